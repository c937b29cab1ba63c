import type { Response } from 'express';

export function escapeHtml(value: unknown): string {
  return String(value).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** A page shell: no inline script or style (the relying party's CSP forbids them; the emulator follows suit). */
export function page(title: string, body: string, scriptHref?: string): string {
  const script = scriptHref ? `\n<script src="${escapeHtml(scriptHref)}" defer></script>` : '';
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)} — PingOne emulator</title>
<link rel="stylesheet" href="${EMULATOR_CSS_PATH}">${script}
</head>
<body>
${body}
</body>
</html>
`;
}

/** Never cached, and nothing loaded but the emulator's own files. */
export function sendPage(res: Response, html: string): void {
  res
    .set({ 'Cache-Control': 'no-store', 'Content-Security-Policy': "default-src 'self'" })
    .type('html')
    .send(html);
}

const EMULATOR_CSS_PATH = '/__emulator/assets/emulator.css';

/**
 * Reflows at 320 CSS px (WCAG 1.4.10), AA contrast, the current code told by words and frame, not
 * colour alone (1.4.1), a 3 px focus ring (2.4.7, 1.4.11).
 */
export const EMULATOR_CSS = `:root { font-family: system-ui, sans-serif; color: #1d1d1f; background: #eef1f5; }
body { margin: 0; padding: 2rem 1rem; display: flex; justify-content: center; }
a { color: #1656c2; }
a:focus-visible, button:focus-visible, input:focus-visible { outline: 3px solid #1656c2; outline-offset: 2px; }
.phone { box-sizing: border-box; width: 100%; max-width: 22rem; min-height: 36rem; border: 0.75rem solid #222; border-radius: 2.5rem; background: #fff; padding: 1.5rem 1rem; box-shadow: 0 1rem 2rem rgba(0,0,0,.2); }
.phone h1 { font-size: 1rem; text-align: center; margin: 0 0 .5rem; color: #555; }
.phone-controls { display: flex; flex-wrap: wrap; justify-content: center; align-items: center; gap: .5rem 1rem; margin: 0 0 1rem; font-size: .85rem; }
.phone-controls button { font: inherit; padding: .35rem .75rem; min-height: 24px; border: 1px solid #767676; border-radius: 1rem; background: #fff; color: #1d1d1f; cursor: pointer; }
.inbox { list-style: none; margin: 0; padding: 0; }
.phone-note { font-size: .85rem; text-align: center; color: #4f4f4f; margin: 0 0 .5rem; }
.sms { background: #f4f4f6; color: #4f4f4f; border: 1px dashed #8a8a8e; border-radius: 1.1rem; padding: .6rem .9rem; margin: 0 0 .75rem; }
.sms[data-status="current"] { background: #e6f4ea; color: #1d1d1f; border: 2px solid #1e6b34; }
.sms .status { display: inline-block; font-size: .75rem; font-weight: 700; padding: .05rem .55rem; margin-bottom: .3rem; border: 1px solid currentColor; border-radius: .75rem; }
.sms[data-status="current"] .status { background: #1e6b34; border-color: #1e6b34; color: #fff; }
.sms .meta { display: block; font-size: .75rem; color: #4f4f4f; margin-bottom: .25rem; overflow-wrap: anywhere; }
.sms .when { display: block; }
.sms .text { display: block; white-space: pre-wrap; word-break: break-word; }
.empty { text-align: center; color: #595959; }
.signon { box-sizing: border-box; width: 100%; max-width: 24rem; background: #fff; border-radius: .75rem; padding: 2rem; box-shadow: 0 .5rem 1.5rem rgba(0,0,0,.12); }
.signon h1 { font-size: 1.25rem; margin-top: 0; }
.signon label { display: block; margin: 1rem 0 .25rem; font-weight: 600; }
.signon input { width: 100%; box-sizing: border-box; padding: .6rem; font-size: 1.1rem; border: 1px solid #767676; border-radius: .4rem; }
.signon input[aria-invalid="true"] { border: 2px solid #b3282d; }
.signon button { margin-top: 1.25rem; width: 100%; padding: .7rem; font-size: 1rem; border: 0; border-radius: .4rem; background: #b3282d; color: #fff; cursor: pointer; }
.error { color: #b3282d; }
.note { font-size: .85rem; color: #595959; }
@media (max-width: 400px) { body { padding: 1rem .5rem; } .signon { padding: 1.25rem 1rem; } .phone { border-width: .5rem; border-radius: 1.75rem; } }
`;
