import { SETUP_STEPS } from './steps/index.js';
import type { StepRow } from './step-row.js';

const START = '<!-- step map: generated from SETUP_STEPS by `npm run docs:steps` -->';
const END = '<!-- end of step map -->';

const names = (fns: StepRow['find'] | undefined) =>
  fns?.length ? fns.map((f) => `\`${f.name}\``).join(', ') : '';

/**
 * The step -> function map as a Markdown table, generated from the rows so that it cannot drift
 * from the code. Rows live in src/provisioning/steps/, the functions in
 * src/pingone/management/ (calls) and src/provisioning/desired.ts (bodies, drift).
 */
export function stepMap(rows: readonly StepRow[] = SETUP_STEPS): string {
  return [
    '| step | name | find | build | compare | create | update | teardown |',
    '|---|---|---|---|---|---|---|---|',
    ...rows.map(
      (r) =>
        `| ${r.step} | ${r.name}${r.read ? ' (read)' : ''} | ` +
        `${[r.find, r.build, r.compare, r.create, r.update, r.teardown && [r.teardown.remove]].map(names).join(' | ')} |`,
    ),
  ].join('\n');
}

/** `doc` with the text between the step-map markers replaced by today's map. */
export function withStepMap(doc: string): string {
  const from = doc.indexOf(START);
  const to = doc.indexOf(END);
  if (from < 0 || to < from) throw new Error('the document has no step-map markers');
  return `${doc.slice(0, from + START.length)}\n\n${stepMap()}\n\n${doc.slice(to)}`;
}
