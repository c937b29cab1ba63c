import { EMAIL, fromSchema } from './field-rule.js';

/** MGMT `User`: letters, marks, spaces, symbols, numbers and punctuation. */
const USER_TEXT = /^[\p{L}\p{M}\p{Zs}\p{S}\p{N}\p{P}]*$/u;
/** MGMT `User.name.family`: letters, marks, numbers, apostrophe, space, dot, hyphen. */
const FAMILY_NAME = /^[\p{L}\p{M}\p{N}' .-]*$/u;
/** PingOne accepts `+15125201234`, `+1.5125201234` and `+1 (512) 520-1234` (docs/pingone-contract.md §4). */
const PHONE = /^\+[0-9][0-9 .()-]{5,24}$/;

/** Step 10: POST /populations. */
export const POPULATION_RULES = fromSchema('MGMT Population', [
  { path: 'name', type: 'string', required: true },
  { path: 'description', type: 'string' },
  { path: 'default', type: 'boolean' },
]);

/** Step 11: POST /users. */
export const USER_RULES = fromSchema('MGMT User', [
  {
    path: 'username',
    type: 'string',
    required: true,
    minLength: 1,
    maxLength: 128,
    pattern: USER_TEXT,
  },
  {
    path: 'email',
    type: 'string',
    required: true,
    pattern: EMAIL,
    source: 'MGMT User (required); pattern: EMULATOR (one @, no spaces)',
  },
  { path: 'mobilePhone', type: 'string', maxLength: 32 },
  { path: 'locale', type: 'string', minLength: 1, maxLength: 256 },
  { path: 'name', type: 'object' },
  { path: 'name.given', type: 'string', minLength: 1, maxLength: 256, pattern: USER_TEXT },
  { path: 'name.family', type: 'string', minLength: 1, maxLength: 256, pattern: FAMILY_NAME },
  { path: 'population', type: 'object' },
  { path: 'population.id', type: 'string', required: true },
  { path: 'mfaEnabled', type: 'boolean' },
]);

/** Step 12: PUT /users/{id}/password (application/vnd.pingidentity.password.set+json). */
export const USER_PASSWORD_RULES = fromSchema('MGMT "UPDATE Password (Set)" body', [
  { path: 'value', type: 'string', required: true },
  { path: 'forceChange', type: 'boolean' },
]);

/** Step 13: PUT /users/{id}/mfaEnabled. */
export const USER_MFA_ENABLED_RULES = fromSchema('MFA UserMFAEnabled', [
  { path: 'mfaEnabled', type: 'boolean', required: true },
]);

/** Step 15: POST /users/{id}/devices. */
export const USER_DEVICE_RULES = fromSchema('CONTRACT §4 step 15', [
  {
    path: 'type',
    type: 'string',
    required: true,
    enum: ['SMS', 'EMAIL', 'VOICE', 'TOTP', 'MOBILE', 'FIDO2'],
    source: 'CONTRACT §4 step 15 ("Create MFA User Device (SMS)")',
  },
  {
    path: 'phone',
    type: 'string',
    required: true,
    when: { path: 'type', in: ['SMS', 'VOICE'] },
    pattern: PHONE,
    source: 'CONTRACT §4 step 15 and the phone formats of §4',
  },
  {
    path: 'email',
    type: 'string',
    required: true,
    when: { path: 'type', in: ['EMAIL'] },
    pattern: EMAIL,
    source: 'CONTRACT §4 step 15; pattern: EMULATOR (one @, no spaces)',
  },
  { path: 'status', type: 'string', enum: ['ACTIVE', 'ACTIVATION_REQUIRED'] },
  { path: 'nickname', type: 'string', maxLength: 100, source: 'EMULATOR' },
  { path: 'policy', type: 'object' },
  { path: 'policy.id', type: 'string', required: true },
  { path: 'testMode', type: 'boolean' },
]);
