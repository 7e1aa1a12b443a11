import type { TransportFactory } from '../transport.js';
import { createHttpSocket } from './http-socket.js';

/** HTTP streaming: one long POST carries server frames as they come (pusher-js `xhr_streaming`). */
export const createXhrStreamingTransport: TransportFactory = (endpoints, callbacks, environment) =>
  createHttpSocket('streaming', endpoints, callbacks, environment);
