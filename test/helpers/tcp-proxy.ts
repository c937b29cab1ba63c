import { createServer, connect, type Server, type Socket } from 'node:net';

export interface TcpProxy {
  /** host:port clients connect to. */
  port: number;
  /** Drops every connection and refuses new ones, as a network partition or a dead host would. */
  cut(): Promise<void>;
  /** Accepts connections again on the same port. */
  restore(): Promise<void>;
  close(): Promise<void>;
}

/**
 * A TCP pass-through on a free loopback port to `targetPort`: lets a test take a server (Redis)
 * away from the app and give it back with its data intact, which killing the server cannot, or
 * put a server behind another address. `targetPort` may be a function, read per connection, for
 * a server that must know the proxy's port before it starts.
 */
export async function startTcpProxy(targetPort: number | (() => number)): Promise<TcpProxy> {
  const target = typeof targetPort === 'number' ? () => targetPort : targetPort;
  const sockets = new Set<Socket>();
  const make = (): Server =>
    createServer((client) => {
      const upstream = connect(target(), '127.0.0.1');
      for (const s of [client, upstream]) {
        sockets.add(s);
        s.on('close', () => sockets.delete(s));
        s.on('error', () => {
          client.destroy();
          upstream.destroy();
        });
      }
      client.pipe(upstream).pipe(client);
    });
  let server = make();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  const stop = () =>
    new Promise<void>((resolve) => {
      server.close(() => resolve());
      for (const s of sockets) s.destroy();
    });
  return {
    port,
    cut: stop,
    async restore() {
      server = make();
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, '127.0.0.1', () => resolve());
      });
    },
    close: () => (server.listening ? stop() : Promise.resolve()),
  };
}
