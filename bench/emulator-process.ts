import { startEmulator } from '../src/emulator/index.js';

/**
 * The PingOne emulator in a process of its own (forked by bench/run.ts), so that its CPU is
 * neither the app's nor the load generator's. It answers over IPC which code was texted for a
 * given transfer: each virtual client finds its own SMS by the unique payee in the text.
 */
export type EmulatorRequest = { type: 'otp'; id: number; marker: string } | { type: 'stop' };

export type EmulatorMessage =
  | {
      type: 'ready';
      url: string;
      apiUrl: string;
      authUrl: string;
      environmentId: string;
      worker: { clientId: string; clientSecret: string; environmentId: string };
    }
  | { type: 'otp'; id: number; otp: string | null };

const emulator = await startEmulator({
  port: 0,
  host: '127.0.0.1',
  onError: (error) => console.error('[bench emulator] unexpected error:', error),
});

const send = (message: EmulatorMessage) => process.send?.(message);

process.on('message', (message: EmulatorRequest) => {
  if (message.type === 'otp') {
    const sms = emulator.handle.sms().find((m) => m.text.includes(message.marker));
    send({ type: 'otp', id: message.id, otp: sms?.otp ?? null });
  } else if (message.type === 'stop') {
    void emulator.close().finally(() => process.exit(0));
  }
});
// The runner died: do not linger.
process.on('disconnect', () => process.exit(0));

send({
  type: 'ready',
  url: emulator.url,
  apiUrl: emulator.apiUrl,
  authUrl: emulator.authUrl,
  environmentId: emulator.environmentId,
  worker: emulator.worker,
});
