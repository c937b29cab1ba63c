import type { Channel } from 'node:diagnostics_channel';

// A listener's error is swallowed: Node would rethrow it as uncaught.
export function subscribe<T>(
  channel: Channel,
  listener: (message: T) => void,
  signal: AbortSignal,
): void {
  if (signal.aborted) return;
  const handler = (message: unknown) => {
    try {
      listener(message as T);
    } catch {
      // See above.
    }
  };
  channel.subscribe(handler);
  signal.addEventListener('abort', () => channel.unsubscribe(handler), { once: true });
}
