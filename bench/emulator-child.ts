import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { EmulatorMessage, EmulatorRequest } from './emulator-process.js';

type Ready = Extract<EmulatorMessage, { type: 'ready' }>;

export interface EmulatorChild {
  info: Omit<Ready, 'type'>;
  pid: number;
  /** The code texted for the transfer whose SMS contains `marker` (waits briefly if not there yet). */
  otpFor(marker: string): Promise<string>;
  stop(): Promise<void>;
}

/** `--import tsx` as a URL, so that the child resolves it whatever its working directory. */
export const TSX_IMPORT = import.meta.resolve('tsx');

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Forks bench/emulator-process.ts and waits until it listens. */
export async function startEmulatorChild(): Promise<EmulatorChild> {
  const child: ChildProcess = fork(
    fileURLToPath(new URL('./emulator-process.ts', import.meta.url)),
    [],
    {
      execArgv: ['--import', TSX_IMPORT],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    },
  );
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);
  child.once('exit', () => process.off('exit', killOnExit));
  const pending = new Map<number, (otp: string | null) => void>();
  let nextId = 1;
  const info = await new Promise<Ready>((resolve, reject) => {
    child.once('exit', (code) =>
      reject(new Error(`the emulator process exited (${code}) before it was ready`)),
    );
    child.once('error', reject);
    child.on('message', (message: EmulatorMessage) => {
      if (message.type === 'ready') return resolve(message);
      pending.get(message.id)?.(message.otp);
      pending.delete(message.id);
    });
  });
  const ask = (marker: string) =>
    new Promise<string | null>((resolve) => {
      const id = nextId++;
      pending.set(id, resolve);
      child.send({ type: 'otp', id, marker } satisfies EmulatorRequest);
    });
  const { type: _type, ...rest } = info;
  return {
    info: rest,
    pid: child.pid!,
    async otpFor(marker) {
      for (let attempt = 0; attempt < 50; attempt++) {
        const otp = await ask(marker);
        if (otp) return otp;
        await sleep(10);
      }
      throw new Error(`no SMS for ${marker}`);
    },
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.send({ type: 'stop' } satisfies EmulatorRequest);
        setTimeout(() => child.kill('SIGKILL'), 5000).unref();
      }),
  };
}
