import type { YardstickConfig } from './yardstick-pingone.js';

/**
 * The child side of a yardstick process (bench/yardstick-process.ts): waits for its
 * configuration over IPC, starts, answers with its port, and exits on SIGTERM.
 */
export function serveYardstick(name: string, start: (config: YardstickConfig) => Promise<number>) {
  process.once('SIGTERM', () => process.exit(0));
  process.once('message', (config: YardstickConfig) => {
    start(config).then(
      (port) => process.send?.({ type: 'ready', port }),
      (error: unknown) => {
        console.error(`${name}: ${String(error)}`);
        process.exit(1);
      },
    );
  });
}
