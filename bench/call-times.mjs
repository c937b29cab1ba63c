// Preloaded into the app under `npm run bench` (node --import): a subscriber of the app's
// `pingone.call` channel (src/pingone/call-events.ts) that times the PingOne calls as the app
// saw them, so the bench can tell the app's own time from PingOne's. Plain JavaScript, so that
// it loads the same way into the built app and under tsx. Written out when the process exits.
import diagnostics_channel from 'node:diagnostics_channel';
import { writeFileSync } from 'node:fs';

const out = process.env.BENCH_CALL_TIMES;
const steps = {};
const approvals = new Set();
diagnostics_channel.subscribe('pingone.call', (event) => {
  const step = (steps[event.step] ??= { calls: 0, totalMs: 0 });
  step.calls += 1;
  step.totalMs += event.durationMs;
  if (event.transactionId) approvals.add(event.transactionId);
});
process.on('exit', () => {
  if (out) writeFileSync(out, JSON.stringify({ approvals: approvals.size, steps }));
});
