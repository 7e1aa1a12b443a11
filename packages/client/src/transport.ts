/** The transports a client can use, in their default order of preference. */
export type TransportName = 'ws' | 'xhr_streaming' | 'xhr_polling';
export const TRANSPORT_NAMES: readonly TransportName[] = ['ws', 'xhr_streaming', 'xhr_polling'];

export interface TransportClose {
  code: number;
  reason: string;
}

/** What a transport reports; the connection owns the Pusher protocol on top of it. */
export interface TransportCallbacks {
  /** The underlying socket or HTTP session is open (the Pusher handshake may still be pending). */
  onOpen(): void;
  /** One Pusher frame, still JSON-encoded. */
  onMessage(raw: string): void;
  /** Any traffic from the server, heartbeats included. */
  onActivity(): void;
  /** The transport is gone; called at most once, never after close() was called by the owner. */
  onClose(close: TransportClose): void;
}

/** One open socket-like channel to the server, whatever carries it. */
export interface Transport {
  readonly name: TransportName;
  /** Queues one JSON-encoded Pusher frame. */
  send(frame: string): void;
  /** Closes without calling onClose. */
  close(): void;
}

/** Minimal shape of a browser WebSocket (or the `ws` package's) that the client relies on. */
export interface WebSocketLike {
  readonly readyState: number;
  onopen: ((event: unknown) => void) | null;
  onmessage: ((event: { data: unknown }) => void) | null;
  onclose: ((event: { code: number; reason: string }) => void) | null;
  onerror: ((event: unknown) => void) | null;
  send(data: string): void;
  close(code?: number, reason?: string): void;
}
export type WebSocketConstructor = new (url: string) => WebSocketLike;

export type FetchLike = typeof fetch;

export interface TransportEnvironment {
  WebSocket?: WebSocketConstructor;
  fetch?: FetchLike;
  /** IIFE build: where to load `inloop-client.http.iife.js` from (default: next to the client's script). */
  httpFallbackUrl?: string;
}

export interface TransportEndpoints {
  /** Full websocket URL, query string included. */
  ws: string;
  /** Base URL of the HTTP fallback (`…/pusher/app/KEY`), without query string. */
  httpBase: string;
  /** Query string (starting with `?`) appended to HTTP receive URLs. */
  httpQuery: string;
}

export type TransportFactory = (
  endpoints: TransportEndpoints,
  callbacks: TransportCallbacks,
  environment: TransportEnvironment,
) => Transport;
