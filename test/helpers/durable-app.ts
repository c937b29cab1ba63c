import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createApp, type AppDeps } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import { createLogger } from '../../src/log.js';
import { LOAD_TEST_LIMITS } from '../../scripts/soak/app-process.js';
import type { Stores } from '../../src/store/create-stores.js';

/** OPERATOR_TOKEN of every app listenApp starts: `Authorization: Bearer` lists all approvals. */
export const TEST_OPERATOR_TOKEN = 'test-operator-token-0123456789abcdef0123';
export const AS_OPERATOR = { authorization: `Bearer ${TEST_OPERATOR_TOKEN}` };

export interface ListeningApp {
  url: string;
  close(): Promise<void>;
}

/**
 * One instance of the relying party, in-process but listening on an ephemeral loopback port,
 * configured from `env` exactly as the server would be (PingOne mode), on the given stores.
 * Several of these over stores on one Redis are "instances behind a load balancer".
 */
export async function listenApp(
  env: Record<string, string>,
  stores: Pick<Stores, 'approvals' | 'sessionStore'>,
  deps: Partial<AppDeps> = {},
): Promise<ListeningApp> {
  const config = loadConfig({
    LOG_LEVEL: 'silent',
    OPERATOR_TOKEN: TEST_OPERATOR_TOKEN,
    ...LOAD_TEST_LIMITS,
    ...env,
  });
  const retired = new AbortController();
  const app = createApp({
    config,
    approvals: stores.approvals,
    sessionStore: stores.sessionStore,
    logger: createLogger({ level: 'silent' }),
    signal: retired.signal,
    ...deps,
  });
  const server = createServer(app);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
        retired.abort();
      }),
  };
}
