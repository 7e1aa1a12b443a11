import type { FetchLike, TransportEnvironment, WebSocketConstructor } from './transport.js';

// The browser bundles' `environment.ts`: every browser the client supports has both globals, so the
// checks and messages for Node 20 (which has no global WebSocket) stay out of the bundle.

export const webSocketOf = (environment: TransportEnvironment): WebSocketConstructor =>
  environment.WebSocket ?? (WebSocket as unknown as WebSocketConstructor);

export const fetchOf = (environment: TransportEnvironment): FetchLike => environment.fetch ?? fetch;
