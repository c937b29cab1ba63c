import { Router, type Request, type Response } from 'express';
import type { Context } from './context.js';
import type { Faults } from './faults.js';
import { EMULATOR_CSS, sendPage } from './html.js';
import { invalidData } from './p1-error.js';
import { phonePage } from './phone-page.js';
import { PHONE_SCRIPT } from './phone-script.js';
import type { RequestLog } from './request-log.js';

/** `/__emulator/*`: what PingOne does not have — the SMS outbox, the phone page, faults, the request log, the clock. */
export function controlSurface(ctx: Context, faults: Faults, requests: RequestLog): Router {
  const r = Router();
  const toOf = (q: unknown) => (typeof q === 'string' && q ? q : undefined);

  r.get('/sms', (req, res) =>
    res.set('Cache-Control', 'no-store').json(ctx.outbox.list(toOf(req.query.to))),
  );

  r.get('/phone', (req, res) => {
    const to = toOf(req.query.to);
    sendPage(res, phonePage(ctx.outbox.list(to), to, ctx.clock.now()));
  });

  const asset = (type: string, text: string) => (_req: Request, res: Response) =>
    res.type(type).set('Cache-Control', 'public, max-age=300').send(text);
  r.get('/assets/emulator.css', asset('text/css', EMULATOR_CSS));
  r.get('/assets/phone.js', asset('text/javascript', PHONE_SCRIPT));

  const noContent = (act: (req: Request) => void) => (req: Request, res: Response) => {
    act(req);
    res.status(204).end();
  };
  r.post(
    '/faults',
    noContent((req) => faults.add(req.body)),
  );
  r.delete('/faults', noContent(faults.clear));
  r.get('/requests', (_req, res) => res.json(requests.list()));
  r.delete('/requests', noContent(requests.clear));

  r.post('/clock', (req, res) => {
    const ms = (req.body as { advanceMs?: unknown } | undefined)?.advanceMs;
    if (typeof ms !== 'number' || !Number.isFinite(ms) || ms < 0) {
      const message = 'advanceMs must be a non-negative number';
      throw invalidData([{ code: 'INVALID_VALUE', target: 'advanceMs', message }], message);
    }
    ctx.clock.advance(ms);
    res.json({ now: new Date(ctx.clock.now()).toISOString() });
  });

  return r;
}
