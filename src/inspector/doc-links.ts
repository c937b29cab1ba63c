// developer.pingidentity.com/pingone-api is the current home (apidocs.pingidentity.com redirects).
const BASE = 'https://developer.pingidentity.com/pingone-api';
const WORKFLOW = `${BASE}/workflow-library/multi-factor-authentication/create-an-mfa-transaction-approval-using-sms`;

export const DOCS = {
  workflow: {
    title: 'Create an MFA Transaction Approval using SMS (steps 1–19)',
    href: `${WORKFLOW}.html`,
  },
  authorize: {
    title: 'Authorize (Transaction Approval)',
    href: `${BASE}/auth/openid-connect-oauth-2/authorize-transaction-approval-.html`,
  },
  otpCheck: {
    title: 'Check One-Time Password (OTP)',
    href: `${BASE}/auth/flows/flows-1/check-one-time-password-otp.html`,
  },
  resume: { title: 'Resume', href: `${BASE}/auth/openid-connect-oauth-2/resume.html` },
  token: {
    title: 'Token (authorization_code) (CLIENT_SECRET_BASIC)',
    href: `${BASE}/auth/openid-connect-oauth-2/token-authorization_code-client-secret-basic.html`,
  },
} as const satisfies Record<string, { title: string; href: string }>;
