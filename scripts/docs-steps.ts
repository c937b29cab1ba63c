/**
 * `npm run docs:steps`: rewrites the step -> function map in docs/walkthrough.md from the
 * provisioning table (test/unit/pingone/step-map.test.ts fails while the two differ).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { withStepMap } from '../src/provisioning/step-map.js';

const path = new URL('../docs/walkthrough.md', import.meta.url);
const before = readFileSync(path, 'utf8');
const after = withStepMap(before);
if (after !== before) writeFileSync(path, after);
process.stdout.write(
  after === before
    ? 'docs/walkthrough.md: step map up to date\n'
    : 'docs/walkthrough.md: step map rewritten\n',
);
