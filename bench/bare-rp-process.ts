import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { BareRpSettings } from './bare-rp.js';
import { TSX_IMPORT } from './emulator-child.js';

export interface BareRpProcess {
  pid: number;
  url: string;
  stop(): Promise<void>;
}

/** Forks bench/bare-rp.ts (the yardstick relying party) and waits until it listens. */
export async function startBareRpProcess(config: BareRpSettings): Promise<BareRpProcess> {
  const child = fork(fileURLToPath(new URL('./bare-rp.ts', import.meta.url)), [], {
    execArgv: ['--import', TSX_IMPORT],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);
  const exited = new Promise<void>((resolve) =>
    child.once('exit', () => {
      process.off('exit', killOnExit);
      resolve();
    }),
  );
  const port = await new Promise<number>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`bench/bare-rp.ts exited (${code}) early`)));
    child.once('message', (message: { type: 'ready'; port: number }) => resolve(message.port));
    child.send(config);
  });
  return {
    pid: child.pid!,
    url: `http://127.0.0.1:${port}`,
    async stop() {
      if (child.exitCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(timer);
    },
  };
}
