import type { RequestHandler } from 'express';
import helmet from 'helmet';

/**
 * Every powerful feature denied (the pages use none; helmet 8 sets no Permissions-Policy). Only
 * names Chromium recognises: an unknown one is a console warning.
 */
const PERMISSIONS_POLICY = `
  accelerometer autoplay browsing-topics camera clipboard-read clipboard-write display-capture
  encrypted-media fullscreen gamepad geolocation gyroscope hid identity-credentials-get
  idle-detection local-fonts magnetometer microphone midi otp-credentials payment
  picture-in-picture publickey-credentials-create publickey-credentials-get screen-wake-lock
  serial storage-access usb window-management xr-spatial-tracking
`
  .trim()
  .split(/\s+/)
  .map((feature) => `${feature}=()`)
  .join(', ');

/**
 * Helmet with a strict CSP. Chromium applies `form-action` to a form's redirects, so hosted mode
 * allows the issuer's origin there.
 */
export function securityHeaders(options: {
  formActionOrigins?: string[];
  https: boolean;
}): RequestHandler[] {
  return [
    helmet({
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
      // Like frame-ancestors 'none', for browsers without it (helmet's default is SAMEORIGIN).
      xFrameOptions: { action: 'deny' },
    }),
    (_req, res, next) => {
      res.setHeader('Permissions-Policy', PERMISSIONS_POLICY);
      next();
    },
  ];
}
