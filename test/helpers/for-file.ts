import { afterAll } from 'vitest';

/** How long a file's set-up may take (no hook timeout covers a file's top level). */
const FILE_SET_UP_DEADLINE_MS = 60_000;

/**
 * For the top level of a test file: `const x = await forFile(start, close)` runs `start` while
 * the file is collected and `close` after the file's tests (afterAll), so the file's tests and
 * helpers read what it started as plain constants instead of `let`s filled in a beforeAll.
 */
export async function forFile<T>(
  start: () => Promise<T>,
  close: (t: T) => Promise<void>,
): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`the file's set-up did not finish in ${FILE_SET_UP_DEADLINE_MS} ms`)),
      FILE_SET_UP_DEADLINE_MS,
    );
  });
  const started = start();
  try {
    const running = await Promise.race([started, deadline]);
    afterAll(() => close(running));
    return running;
  } catch (error) {
    // A start that finishes after the deadline is closed, not left listening.
    void started.then(close, () => {});
    throw error;
  } finally {
    clearTimeout(timer);
  }
}
