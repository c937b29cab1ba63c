import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { TSX_IMPORT } from './emulator-child.js';
import type { YardstickConfig } from './yardstick-pingone.js';

/**
 * The yardsticks, from least to most of the app's stack: `bare` (node:http), then Express,
 * + helmet and express-session, + the app's EJS views, + openid-client (bench/stack-rp.ts).
 */
export const YARDSTICKS = ['bare', 'express', 'session', 'views', 'stack'] as const;
export type Yardstick = (typeof YARDSTICKS)[number];

export const YARDSTICK_LABELS: Record<Yardstick, string> = {
  bare: 'bare node:http (bench/bare-rp.ts)',
  express: 'Express (bench/stack-rp.ts)',
  session: 'Express + helmet + express-session',
  views: 'Express + helmet + express-session + the EJS views',
  stack: 'Express + helmet + express-session + EJS views + openid-client',
};

export interface YardstickProcess {
  pid: number;
  url: string;
  stop(): Promise<void>;
}

/** Forks a yardstick relying party and waits until it listens. */
export async function startYardstickProcess(
  yardstick: Yardstick,
  config: YardstickConfig,
): Promise<YardstickProcess> {
  const file = yardstick === 'bare' ? './bare-rp.ts' : './stack-rp.ts';
  const child = fork(fileURLToPath(new URL(file, import.meta.url)), [yardstick], {
    execArgv: ['--import', TSX_IMPORT],
    // As the app runs in the bench: production settings (Express's view cache among them).
    env: { ...process.env, NODE_ENV: 'production' },
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
    child.once('exit', (code) => reject(new Error(`${file} exited (${code}) before it listened`)));
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
