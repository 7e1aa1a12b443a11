import { ClientErrorCode, InloopClientError } from './errors.js';
import type { FetchLike, TransportEnvironment, WebSocketConstructor } from './transport.js';

/** The injected WebSocket, else the global one (browsers, Node 22+). */
export function webSocketOf(environment: TransportEnvironment): WebSocketConstructor {
  const Constructor = environment.WebSocket ?? (globalThis as { WebSocket?: WebSocketConstructor }).WebSocket;
  if (!Constructor) {
    throw new InloopClientError(
      ClientErrorCode.NoWebSocket,
      'no WebSocket: pass `WebSocket` to connect() (e.g. the `ws` package in Node 20)',
    );
  }
  return Constructor;
}

/** The injected fetch, else the global one bound to globalThis (an unbound browser fetch throws). */
export function fetchOf(environment: TransportEnvironment): FetchLike {
  const found = environment.fetch ?? globalThis.fetch?.bind(globalThis);
  if (!found) throw new InloopClientError(ClientErrorCode.NoFetch, 'no fetch: pass `fetch` to connect()');
  return found;
}
