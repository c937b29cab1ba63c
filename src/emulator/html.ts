/** Escapes text for HTML element content and double-quoted attributes. */
export function escapeHtml(value: unknown): string {
  return String(value).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** A page shell: no inline script or style (the relying party's CSP forbids them; the emulator follows suit). */
export function page(
  title: string,
  body: string,
  options: { refreshSeconds?: number; cssHref: string },
): string {
  const refresh = options.refreshSeconds
    ? `\n<meta http-equiv="refresh" content="${options.refreshSeconds}">`
    : '';
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">${refresh}
<title>${escapeHtml(title)}</title>
<link rel="stylesheet" href="${escapeHtml(options.cssHref)}">
</head>
<body>
${body}
</body>
</html>
`;
}

export const EMULATOR_CSS_PATH = '/__emulator/assets/emulator.css';

/** The stylesheet of the phone and sign-on pages, served as a file. */
export const EMULATOR_CSS = `:root { font-family: system-ui, sans-serif; color: #1d1d1f; background: #eef1f5; }
body { margin: 0; padding: 2rem 1rem; display: flex; justify-content: center; }
.phone { width: 22rem; min-height: 36rem; border: 0.75rem solid #222; border-radius: 2.5rem; background: #fff; padding: 1.5rem 1rem; box-shadow: 0 1rem 2rem rgba(0,0,0,.2); }
.phone h1 { font-size: 1rem; text-align: center; margin: 0 0 1rem; color: #555; }
.inbox { list-style: none; margin: 0; padding: 0; }
.sms { background: #e9e9eb; border-radius: 1.1rem; padding: .6rem .9rem; margin: 0 0 .75rem; }
.sms .meta { display: block; font-size: .7rem; color: #666; margin-bottom: .25rem; }
.sms .text { white-space: pre-wrap; word-break: break-word; }
.empty { text-align: center; color: #888; }
.signon { width: 24rem; background: #fff; border-radius: .75rem; padding: 2rem; box-shadow: 0 .5rem 1.5rem rgba(0,0,0,.12); }
.signon h1 { font-size: 1.25rem; margin-top: 0; }
.signon label { display: block; margin: 1rem 0 .25rem; font-weight: 600; }
.signon input { width: 100%; box-sizing: border-box; padding: .6rem; font-size: 1.1rem; border: 1px solid #bbb; border-radius: .4rem; }
.signon button { margin-top: 1.25rem; width: 100%; padding: .7rem; font-size: 1rem; border: 0; border-radius: .4rem; background: #b3282d; color: #fff; cursor: pointer; }
.error { color: #b3282d; }
.note { font-size: .85rem; color: #666; }
`;
