import { application, grant, openidResource, profileScope, secret } from './application.js';
import { devicePolicy } from './device-policy.js';
import { mfaAction, policyAssignment, signOnPolicy } from './sign-on.js';
import { templateContent } from './template.js';
import { mfaOn, password, population, smsDevice, user } from './users.js';
import type { StepRow } from '../step-row.js';

/** Steps 1-15 of Ping's workflow, in its order: the one table provisioning runs. */
export const SETUP_STEPS: readonly StepRow[] = [
  application,
  secret,
  openidResource,
  profileScope,
  grant,
  signOnPolicy,
  mfaAction,
  policyAssignment,
  templateContent,
  population,
  user,
  password,
  mfaOn,
  devicePolicy,
  smsDevice,
];
