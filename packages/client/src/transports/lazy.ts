import type { Transport, TransportEnvironment, TransportFactory } from '../transport.js';
import type { HttpTransportName, HttpTransports } from './http-fallback.js';

export type HttpFallbackLoader = (environment: TransportEnvironment) => Promise<HttpTransports>;

/**
 * A transport whose code is loaded when it is first opened. Until then it has nothing to send (the
 * connection sends only after the handshake); a failed load closes it like a refused socket, so the
 * connection moves on to its next transport.
 */
export function lazyTransport(name: HttpTransportName, load: HttpFallbackLoader): TransportFactory {
  return (endpoints, callbacks, environment) => {
    let inner: Transport | undefined;
    let closed = false;
    load(environment).then(
      (transports) => {
        if (!closed) inner = transports[name](endpoints, callbacks, environment);
      },
      (error: Error) => {
        if (closed) return;
        closed = true;
        callbacks.onClose({ code: 1006, reason: error.message });
      },
    );
    return {
      name,
      send: (frame) => inner?.send(frame),
      close() {
        closed = true;
        inner?.close();
      },
    };
  };
}
