import { parseArgs } from 'node:util';
import { loadConfig, setupEnvFromProcess } from '../src/config.js';
import { startEmulator } from '../src/emulator/index.js';

/** `npm run emulator -- [--port N] [--host ADDR]`: a local PingOne for setup and the relying party. */
async function main(): Promise<number> {
  let values: { port?: string; host?: string; help?: boolean };
  try {
    ({ values } = parseArgs({
      options: {
        port: { type: 'string' },
        host: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
    }));
  } catch (error) {
    console.error((error as Error).message);
    return 2;
  }
  if (values.help) {
    console.log('Usage: npm run emulator -- [--port N] [--host 127.0.0.1]');
    return 0;
  }
  let port: number;
  if (values.port !== undefined) {
    port = Number(values.port);
    if (!Number.isInteger(port) || port < 0 || port > 65535) {
      console.error(`--port must be a port number 0-65535 (got "${values.port}")`);
      return 2;
    }
  } else {
    try {
      // Only EMULATOR_PORT matters here: a half-filled .env for the relying party must not stop the emulator.
      port = loadConfig({ EMULATOR_PORT: setupEnvFromProcess().EMULATOR_PORT }).emulatorPort;
    } catch (error) {
      console.error((error as Error).message);
      return 2;
    }
  }
  const emulator = await startEmulator({ port, host: values.host ?? '127.0.0.1' });
  console.log(`PingOne emulator listening on ${emulator.url}
PINGONE_ENVIRONMENT_ID=${emulator.environmentId}
PINGONE_API_URL=${emulator.apiUrl}
PINGONE_AUTH_URL=${emulator.authUrl}
PINGONE_WORKER_CLIENT_ID=${emulator.worker.clientId}
PINGONE_WORKER_CLIENT_SECRET=${emulator.worker.clientSecret}
Phone (SMS outbox): ${emulator.url}/__emulator/phone
Stop with Ctrl+C.`);
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  await emulator.close();
  return 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(`Emulator failed to start: ${(error as Error).message}`);
    process.exit(1);
  },
);
