import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import session from 'express-session';

const servers: Server[] = [];

/**
 * A tiny app on `store` through express-session, as the relying party uses it: POST /flow?id=
 * stores a value in the session, GET /flow reads it back. Answers its base URL.
 */
export function startSessionApp(store: session.Store): Promise<string> {
  const app = express();
  app.use(
    session({
      store,
      secret: 'test-secret-test-secret-test-secret',
      resave: false,
      saveUninitialized: false,
      cookie: { httpOnly: true, sameSite: 'lax', maxAge: 600_000 },
    }),
  );
  app.post('/flow', (req, res) => {
    (req.session as unknown as { flowId: string }).flowId = String(req.query.id);
    res.status(204).end();
  });
  app.get('/flow', (req, res) => {
    res.json({ flowId: (req.session as unknown as { flowId?: string }).flowId ?? null });
  });
  const server = createServer(app);
  servers.push(server);
  return new Promise((ok) =>
    server.listen(0, '127.0.0.1', () =>
      ok(`http://127.0.0.1:${(server.address() as AddressInfo).port}`),
    ),
  );
}

/** Closes every app startSessionApp started. */
export async function closeSessionApps(): Promise<void> {
  await Promise.all(servers.splice(0).map((s) => new Promise((ok) => s.close(ok))));
}
