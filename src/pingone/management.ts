/**
 * PingOne's management API (steps 1–15 of "Create an MFA Transaction Approval using SMS", plus
 * the reads and deletes that idempotent provisioning and teardown need), as typed free functions
 * over a {@link ManagementContext}, and the worker token source the relying party can reuse.
 *
 * @see https://apidocs.pingidentity.com/pingone/workflow-library/v1/api/#create-an-mfa-transaction-approval-using-sms
 */
export * from './management/context.js';
export * from './management/types.js';
export * from './management/applications.js';
export * from './management/sign-on-policies.js';
export * from './management/templates.js';
export * from './management/device-policies.js';
export * from './management/users.js';
export * from './management/writable-fields.js';
export { createWorkerTokenSource, type TokenSource } from './worker-token.js';
