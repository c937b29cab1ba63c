import helmet from 'helmet';

/**
 * Helmet with a strict Content-Security-Policy: scripts and styles only from our own origin,
 * never inline. In hosted mode the approve form's POST answers with a redirect to PingOne, and
 * Chromium applies `form-action` to the redirects of a form submission, so the issuer's origin
 * is allowed there (and only there, only in that mode).
 */
export function securityHeaders(options: { formActionOrigins?: string[]; https: boolean }) {
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
  });
}
