import { parseArgs } from 'node:util';
import { loadConfig, setupEnvFromProcess } from '../src/config.js';
import { startEmulator } from '../src/emulator/index.js';
import { updateEnvFile } from '../src/env-file.js';

const USAGE = `Usage: npm run emulator -- [--port N] [--host 127.0.0.1] [--public-url URL] [--write-env PATH]

  --port N          where it listens (default EMULATOR_PORT or 3001)
  --host ADDR       the address it binds (default EMULATOR_HOST or 127.0.0.1: its control
                    surface shows every code; 0.0.0.0 in a container, on purpose)
  --public-url URL  where browsers and the relying party reach it, when not where it listens
                    (default EMULATOR_PUBLIC_URL); its issuer and links name this URL
  --write-env PATH  also write its PINGONE_* settings to PATH, for \`npm run setup -- --write-env\``;

/**
 * `npm run emulator`: a local PingOne for setup and the relying party. Its environment and worker
 * are new at every start, so it prints them (and writes them with --write-env).
 */
async function main(): Promise<number> {
  let values: {
    port?: string;
    host?: string;
    'public-url'?: string;
    'write-env'?: string;
    help?: boolean;
  };
  try {
    ({ values } = parseArgs({
      options: {
        port: { type: 'string' },
        host: { type: 'string' },
        'public-url': { type: 'string' },
        'write-env': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
    }));
  } catch (error) {
    console.error((error as Error).message);
    return 2;
  }
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  let port: number;
  let host: string;
  let publicUrl: string | undefined;
  try {
    // Only the emulator's own settings matter here: a half-filled .env for the relying party
    // must not stop the emulator.
    const env = setupEnvFromProcess();
    const config = loadConfig({
      EMULATOR_PORT: values.port ?? env.EMULATOR_PORT,
      EMULATOR_PUBLIC_URL: values['public-url'] ?? env.EMULATOR_PUBLIC_URL,
      EMULATOR_HOST: values.host ?? env.EMULATOR_HOST,
    });
    port = config.emulatorPort;
    host = config.emulatorHost;
    publicUrl = config.emulatorPublicUrl;
  } catch (error) {
    console.error((error as Error).message);
    return 2;
  }
  const emulator = await startEmulator({
    port,
    host,
    ...(publicUrl ? { publicUrl } : {}),
  });
  const settings = {
    PINGONE_ENVIRONMENT_ID: emulator.environmentId,
    PINGONE_API_URL: emulator.apiUrl,
    PINGONE_AUTH_URL: emulator.authUrl,
    PINGONE_WORKER_CLIENT_ID: emulator.worker.clientId,
    PINGONE_WORKER_CLIENT_SECRET: emulator.worker.clientSecret,
  };
  const envPath = values['write-env'];
  // Whole or not at all (a setup service waits for this file), mode 0600, never through a link
  // planted at a temporary name: the same writer as setup's.
  if (envPath) updateEnvFile(envPath, settings);
  const lines = Object.entries(settings).map(([key, value]) => `${key}=${value}`);
  console.log(`PingOne emulator listening on ${emulator.url}
${lines.join('\n')}
Phone (SMS outbox): ${emulator.url}/__emulator/phone${envPath ? `\nSettings written to ${envPath}` : ''}
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
