import helmet from 'helmet';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { RequestHandler } from 'express';

/**
 * Helmet with a strict Content-Security-Policy: scripts and styles only from our own origin,
 * never inline. In hosted mode the approve form's POST answers with a redirect to PingOne, and
 * Chromium applies `form-action` to the redirects of a form submission, so the issuer's origin
 * is allowed there (and only there, only in that mode).
 */
export function securityHeaders(options: {
  formActionOrigins?: string[];
  https: boolean;
}): RequestHandler {
  const headers = Object.entries({
    ...headersOf(securityHelmet(options)),
    'Permissions-Policy': PERMISSIONS_POLICY,
  });
  // The same headers on every response, built once (helmet rebuilds them per request; `npm run
  // bench` counts five pages an approval).
  return (_req, res, next) => {
    for (const [name, value] of headers) res.setHeader(name, value);
    next();
  };
}

/** What a helmet middleware sets, read off one run against a recording response. */
function headersOf(middleware: ReturnType<typeof helmet>): Record<string, string> {
  const set: Record<string, string> = {};
  const res = {
    setHeader: (name: string, value: string) => void (set[name] = String(value)),
    removeHeader: (name: string) => void delete set[name],
  } as unknown as ServerResponse;
  let done = false;
  middleware({} as IncomingMessage, res, () => (done = true));
  // helmet answers synchronously; anything else would be a helmet this project was not built on.
  if (!done) throw new Error('helmet did not finish synchronously');
  return set;
}

/**
 * Every powerful feature denied to the pages and anything they might embed: they use none (no
 * camera, no payment handler, no WebAuthn, no WebOTP: the code is typed). Helmet 8 sets no
 * Permissions-Policy. Only names Chromium recognises: an unknown one is a console warning.
 */
export const PERMISSIONS_POLICY = [
  'accelerometer',
  'autoplay',
  'browsing-topics',
  'camera',
  'clipboard-read',
  'clipboard-write',
  'display-capture',
  'encrypted-media',
  'fullscreen',
  'gamepad',
  'geolocation',
  'gyroscope',
  'hid',
  'identity-credentials-get',
  'idle-detection',
  'local-fonts',
  'magnetometer',
  'microphone',
  'midi',
  'otp-credentials',
  'payment',
  'picture-in-picture',
  'publickey-credentials-create',
  'publickey-credentials-get',
  'screen-wake-lock',
  'serial',
  'storage-access',
  'usb',
  'window-management',
  'xr-spatial-tracking',
]
  .map((feature) => `${feature}=()`)
  .join(', ');

/** The same settings as a plain helmet middleware (the bench's yardsticks run it per request). */
export function securityHelmet(options: { formActionOrigins?: string[]; https: boolean }) {
  return helmet({
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        'default-src': ["'self'"],
        'script-src': ["'self'"],
        'style-src': ["'self'"],
        'img-src': ["'self'", 'data:'],
        'font-src': ["'self'"],
        'connect-src': ["'self'"],
        'object-src': ["'none'"],
        'base-uri': ["'none'"],
        'frame-ancestors': ["'none'"],
        'form-action': ["'self'", ...(options.formActionOrigins ?? [])],
        ...(options.https ? { 'upgrade-insecure-requests': [] } : {}),
      },
    },
    // HSTS on a plain-http localhost demo would pin the browser to https for localhost.
    strictTransportSecurity: options.https ? { maxAge: 31_536_000 } : false,
    referrerPolicy: { policy: 'no-referrer' },
    // Helmet's default is SAMEORIGIN; the CSP's frame-ancestors 'none' says no framing at all,
    // and browsers without frame-ancestors must hear the same.
    xFrameOptions: { action: 'deny' },
  });
}
