import { randomBytes } from 'node:crypto';

/**
 * A payee no other approval of the run names, so that a test finds its own SMS: letters only,
 * since the app refuses a payee with a run of digits as long as the code.
 */
export function uniquePayee(): string {
  return `Payee ${String.fromCharCode(...randomBytes(8).map((b) => 97 + (b % 26)))} Ltd`;
}
