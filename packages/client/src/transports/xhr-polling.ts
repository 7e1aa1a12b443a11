import type { TransportFactory } from '../transport.js';
import { createHttpSocket } from './http-socket.js';

/** HTTP long-poll: each POST returns what is pending and the next one is sent at once (pusher-js `xhr_polling`). */
export const createXhrPollingTransport: TransportFactory = (endpoints, callbacks, environment) =>
  createHttpSocket('polling', endpoints, callbacks, environment);
