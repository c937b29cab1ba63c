/**
 * The parts of PingOne's flow object this client reads. `id`, `status`, `_links`, `resumeUrl`
 * and `_embedded.user` are documented; the rest is read only when present (docs/pingone-contract.md §6).
 */
export interface PingOneFlow {
  id: string;
  status: string;
  resumeUrl?: string;
  /** Some tenants put the authorization response into the COMPLETED flow already. */
  authorizeResponse?: AuthorizeResponse;
  expiresAt?: string;
  _links?: Record<string, { href?: string } | undefined>;
  _embedded?: {
    user?: { id?: string; username?: string };
    devices?: Array<{ id?: string; type?: string; phone?: string; status?: string }>;
    [key: string]: unknown;
  };
  selectedDevice?: { id?: string; phone?: string };
  [key: string]: unknown;
}

/** The authorization response: from resume's JSON, a 302 `Location`, or a callback URL. */
export interface AuthorizeResponse {
  code: string;
  state?: string;
  iss?: string;
}

/** Flow statuses this app acts on. */
export const FLOW_STATUS = {
  otpRequired: 'OTP_REQUIRED',
  completed: 'COMPLETED',
  failed: 'FAILED',
} as const;
