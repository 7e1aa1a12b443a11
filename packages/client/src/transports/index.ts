import type { TransportFactory, TransportName } from '../transport.js';
import { lazyTransport } from './lazy.js';
import { loadHttpFallback } from './load-http-fallback.js';
import { createWebSocketTransport } from './websocket.js';

export const transportFactories: Record<TransportName, TransportFactory> = {
  ws: createWebSocketTransport,
  xhr_streaming: lazyTransport('xhr_streaming', loadHttpFallback),
  xhr_polling: lazyTransport('xhr_polling', loadHttpFallback),
};
