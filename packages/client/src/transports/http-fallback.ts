import type { TransportFactory } from '../transport.js';
import { createXhrPollingTransport } from './xhr-polling.js';
import { createXhrStreamingTransport } from './xhr-streaming.js';

export type HttpTransportName = 'xhr_streaming' | 'xhr_polling';
export type HttpTransports = Record<HttpTransportName, TransportFactory>;

/** The HTTP fallback transports: loaded on first need, since most connections never leave the websocket. */
export const httpTransports: HttpTransports = {
  xhr_streaming: createXhrStreamingTransport,
  xhr_polling: createXhrPollingTransport,
};
