/**
 * `npm run setup`: provisions PingOne for the SMS transaction approval. Thin on purpose: the
 * logic lives in src/provisioning/setup-command.ts, where the tests call it in-process.
 */
import { processEnv } from '../src/config.js';
import { runSetup } from '../src/provisioning/setup-command.js';

const code = await runSetup(process.argv.slice(2), processEnv(), {
  stdout: (line) => process.stdout.write(`${line}\n`),
  stderr: (line) => process.stderr.write(`${line}\n`),
});
process.exitCode = code;
