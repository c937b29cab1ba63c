/** The slice of a logger (pino, console) the stores write to; pino's `(object, message)` order. */
export interface StoreLogger {
  warn(...args: unknown[]): void;
  info(...args: unknown[]): void;
}
