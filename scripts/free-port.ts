import { createServer } from 'node:net';

/**
 * A free loopback port, for a child process whose address must be known before it starts (its
 * BASE_URL is provisioned as a redirect URI; a restarted process must listen where its clients
 * expect it).
 */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}
