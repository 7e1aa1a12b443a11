import type { TransportFactory, TransportName } from '../transport.js';
import { createWebSocketTransport } from './websocket.js';
import { createXhrPollingTransport } from './xhr-polling.js';
import { createXhrStreamingTransport } from './xhr-streaming.js';

export const transportFactories: Record<TransportName, TransportFactory> = {
  ws: createWebSocketTransport,
  xhr_streaming: createXhrStreamingTransport,
  xhr_polling: createXhrPollingTransport,
};
