import { APPLICATION_GRANT_RULES, APPLICATION_RULES } from './application-rules.js';
import { DEVICE_AUTHENTICATION_POLICY_RULES } from './device-policy-rules.js';
import type { FieldRule } from './field-rule.js';
import {
  SIGN_ON_POLICY_ACTION_RULES,
  SIGN_ON_POLICY_ASSIGNMENT_RULES,
  SIGN_ON_POLICY_RULES,
} from './sign-on-policy-rules.js';
import { TEMPLATE_CONTENT_RULES } from './template-content-rules.js';
import {
  POPULATION_RULES,
  USER_DEVICE_RULES,
  USER_MFA_ENABLED_RULES,
  USER_PASSWORD_RULES,
  USER_RULES,
} from './user-rules.js';

/**
 * What PingOne requires of each management body of steps 1–15, as data: one table per resource,
 * each rule naming where the fact comes from. `validateManagementBody` turns a body into PingOne's
 * `details[]` (docs/pingone-contract.md §2.1), so that a test can hold any body against the table.
 *
 * Sources, by short name:
 * - MGMT: the management OpenAPI file behind Ping's Go SDK (pingone-go-sdk-v2,
 *   management/generate/pingone-management.yml), by schema name.
 * - MFA: the MFA OpenAPI file of the same SDK (mfa/generate/pingone-mfa.yml), by schema name.
 * - TF: Ping's Terraform provider (terraform-provider-pingone), by resource.
 * - CONTRACT: docs/pingone-contract.md, by section, for facts from Ping's workflow pages.
 * - EMULATOR: a bound no Ping source states; the emulator sets it so that a stored value stays
 *   usable (say so in the rule, and never tighter than a Ping example).
 */
export const MANAGEMENT_RULES = {
  application: APPLICATION_RULES,
  applicationGrant: APPLICATION_GRANT_RULES,
  signOnPolicy: SIGN_ON_POLICY_RULES,
  signOnPolicyAction: SIGN_ON_POLICY_ACTION_RULES,
  signOnPolicyAssignment: SIGN_ON_POLICY_ASSIGNMENT_RULES,
  templateContent: TEMPLATE_CONTENT_RULES,
  population: POPULATION_RULES,
  user: USER_RULES,
  userPassword: USER_PASSWORD_RULES,
  userMfaEnabled: USER_MFA_ENABLED_RULES,
  deviceAuthenticationPolicy: DEVICE_AUTHENTICATION_POLICY_RULES,
  userDevice: USER_DEVICE_RULES,
} satisfies Record<string, readonly FieldRule[]>;

export type ManagementResource = keyof typeof MANAGEMENT_RULES;
