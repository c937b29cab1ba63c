import { defineConfig } from 'vitest/config';

// The live smoke test talks to real PingOne; it never runs as part of `npm test`.
export default defineConfig({
  test: {
    include: ['test/live/**/*.test.ts'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
  },
});
