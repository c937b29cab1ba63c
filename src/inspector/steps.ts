/** The builders of trace steps, one per kind, in the order an approval meets them. */
export { httpFacts, type StepDraft } from './step-parts.js';
export * from './start-steps.js';
export * from './code-steps.js';
export * from './token-steps.js';
export * from './result-steps.js';
