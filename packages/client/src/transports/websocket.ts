import { webSocketOf } from '../environment.js';
import type { TransportFactory, WebSocketLike } from '../transport.js';

/** Pusher protocol over a plain websocket. */
export const createWebSocketTransport: TransportFactory = (endpoints, callbacks, environment) => {
  let closed = false;
  let socket: WebSocketLike;
  try {
    const WebSocketImpl = webSocketOf(environment);
    socket = new WebSocketImpl(endpoints.ws);
  } catch (error) {
    // Report asynchronously, as a refused socket would, so the caller's state is consistent.
    setTimeout(() => {
      if (!closed) callbacks.onClose({ code: 1006, reason: String((error as Error).message ?? error) });
    }, 0);
    return {
      name: 'ws',
      send() {},
      close() {
        closed = true;
      },
    };
  }

  socket.onopen = () => {
    if (!closed) callbacks.onOpen();
  };
  socket.onmessage = (event) => {
    if (closed) return;
    callbacks.onActivity();
    if (typeof event.data === 'string') callbacks.onMessage(event.data);
  };
  socket.onerror = () => {
    // An error is always followed by a close event, which carries the code.
  };
  socket.onclose = (event) => {
    if (closed) return;
    closed = true;
    callbacks.onClose({ code: event.code || 1006, reason: event.reason || 'websocket closed' });
  };

  return {
    name: 'ws',
    send(frame) {
      if (!closed && socket.readyState === 1) socket.send(frame);
    },
    close() {
      if (closed) return;
      closed = true;
      socket.onopen = socket.onmessage = socket.onclose = null;
      socket.onerror = () => {};
      try {
        socket.close(1000, 'client closed');
      } catch {
        // Closing a socket that is still connecting throws in some runtimes; it is abandoned either way.
      }
    },
  };
};
