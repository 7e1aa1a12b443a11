import type { Server } from 'node:http';
import type { Socket } from 'node:net';

/**
 * Node's `server.close()` ends idle keep-alive sockets, but not one that connected and has not
 * sent a request yet (a browser's or undici's spare connection): Node counts it as busy until its
 * headers timeout, and stops checking that timeout once closing. Such a socket would hold the
 * relay's shutdown open for as long as the peer keeps it. This tracks which sockets carry a
 * request or a websocket, so that shutdown can end the others.
 */
export function trackQuietSockets(server: Server): { destroyQuiet(): void } {
  const inFlight = new Map<Socket, number>();
  server.on('connection', (socket: Socket) => {
    inFlight.set(socket, 0);
    socket.once('close', () => inFlight.delete(socket));
  });
  server.on('request', (request, response) => {
    const socket = request.socket as Socket;
    inFlight.set(socket, (inFlight.get(socket) ?? 0) + 1);
    response.once('close', () => {
      if (inFlight.has(socket)) inFlight.set(socket, Math.max(0, (inFlight.get(socket) ?? 1) - 1));
    });
  });
  // An upgraded socket belongs to the websocket transport, which closes it itself.
  server.on('upgrade', (request) => inFlight.delete(request.socket as Socket));
  return {
    destroyQuiet() {
      for (const [socket, requests] of inFlight) if (requests === 0) socket.destroy();
    },
  };
}
