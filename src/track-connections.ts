import type { Server } from 'node:http';
import type { Socket } from 'node:net';

/**
 * Node's `closeIdleConnections()` does not count a connection that has sent no request yet (a
 * preconnect) as idle. Install it before any `request` listener.
 */
export function trackConnections(server: Server): { close(): Promise<void> } {
  const inFlight = new Map<Socket, number>();
  let closing = false;
  server.on('connection', (socket: Socket) => {
    inFlight.set(socket, 0);
    socket.once('close', () => inFlight.delete(socket));
  });
  server.on('request', (req, res) => {
    const socket = req.socket;
    inFlight.set(socket, (inFlight.get(socket) ?? 0) + 1);
    if (closing) res.setHeader('Connection', 'close');
    res.once('close', () => {
      // A socket that closed first is gone from the map: do not bring it back.
      const count = inFlight.get(socket);
      if (count === undefined) return;
      const left = Math.max(0, count - 1);
      inFlight.set(socket, left);
      // Keep-alive would hold the socket open after its answer.
      if (closing && left === 0) socket.end();
    });
  });
  return {
    close() {
      closing = true;
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      for (const [socket, busy] of inFlight) if (busy === 0) socket.destroy();
      return closed;
    },
  };
}
