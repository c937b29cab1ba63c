import { fromSchema, type FieldRule } from './field-rule.js';

const OIDC = { path: 'protocol', in: ['OPENID_CONNECT'] };

/** Step 1: POST /applications (MGMT Application and ApplicationOIDC). */
export const APPLICATION_RULES: FieldRule[] = [
  ...fromSchema('MGMT Application', [
    { path: 'enabled', type: 'boolean', required: true },
    { path: 'name', type: 'string', required: true },
    { path: 'description', type: 'string' },
    {
      path: 'type',
      type: 'string',
      required: true,
      enum: [
        'WEB_APP',
        'NATIVE_APP',
        'SINGLE_PAGE_APP',
        'WORKER',
        'SERVICE',
        'CUSTOM_APP',
        'PING_ONE_SELF_SERVICE',
        'PING_ONE_ADMIN_CONSOLE',
        'PING_ONE_PORTAL',
        'TEMPLATE_APP',
        'PORTAL_LINK_APP',
      ],
      source: 'MGMT Application, EnumApplicationType',
    },
    {
      path: 'protocol',
      type: 'string',
      required: true,
      enum: ['OPENID_CONNECT', 'SAML', 'WS_FED', 'EXTERNAL_LINK'],
      source: 'MGMT Application, EnumApplicationProtocol',
    },
  ]),
  ...fromSchema('MGMT ApplicationOIDC', [
    {
      path: 'tokenEndpointAuthMethod',
      type: 'string',
      required: true,
      when: OIDC,
      enum: [
        'NONE',
        'CLIENT_SECRET_BASIC',
        'CLIENT_SECRET_POST',
        'PRIVATE_KEY_JWT',
        'CLIENT_SECRET_JWT',
      ],
      source: 'MGMT ApplicationOIDC (required), EnumApplicationOIDCTokenAuthMethod',
    },
    {
      path: 'grantTypes',
      type: 'array',
      items: 'string',
      required: true,
      when: OIDC,
      enum: [
        'AUTHORIZATION_CODE',
        'IMPLICIT',
        'REFRESH_TOKEN',
        'CLIENT_CREDENTIALS',
        'DEVICE_CODE',
        'TOKEN_EXCHANGE',
        'CIBA',
      ],
      source:
        'MGMT ApplicationOIDC, EnumApplicationOIDCGrantType; required for OIDC: CONTRACT §4 step 1',
    },
    {
      path: 'responseTypes',
      type: 'array',
      items: 'string',
      enum: ['TOKEN', 'ID_TOKEN', 'CODE'],
      source: 'MGMT ApplicationOIDC, EnumApplicationOIDCResponseType',
    },
    { path: 'redirectUris', type: 'array', items: 'string' },
    { path: 'postLogoutRedirectUris', type: 'array', items: 'string' },
    {
      path: 'pkceEnforcement',
      type: 'string',
      enum: ['OPTIONAL', 'REQUIRED', 'S256_REQUIRED'],
      source: 'MGMT ApplicationOIDC, EnumApplicationOIDCPKCEOption',
    },
    { path: 'supportUnsignedRequestObject', type: 'boolean' },
    { path: 'requireSignedRequestObject', type: 'boolean' },
  ]),
];

/** Step 5: POST /applications/{id}/grants. */
export const APPLICATION_GRANT_RULES = fromSchema('MGMT ApplicationResourceGrant', [
  { path: 'resource', type: 'object', required: true },
  { path: 'resource.id', type: 'string', required: true },
  { path: 'scopes', type: 'array', items: 'object', required: true },
  { path: 'scopes[].id', type: 'string', required: true },
]);
