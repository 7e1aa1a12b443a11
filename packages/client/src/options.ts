import type { BackoffOptions } from './backoff.js';
import { invalidOption } from './errors.js';
import type { PresenceMembers } from './presence.js';
import {
  TRANSPORT_NAMES,
  type TransportEndpoints,
  type TransportName,
  type WebSocketConstructor,
} from './transport.js';
import { CLIENT_VERSION } from './version.js';
import {
  headersOf,
  positiveMs,
  resolveWatchSettings,
  type WatchOptions,
  type WatchSettings,
} from './watch-settings.js';

export type HeadersSource = Record<string, string> | (() => Record<string, string>);

export interface ConnectOptions extends WatchOptions {
  /** The app key (Pusher app key or the relay's app key). */
  key: string;
  /** Pusher Channels cluster, e.g. `eu`; ignored when `wsHost` is set. */
  cluster?: string;
  wsHost?: string;
  wsPort?: number;
  wssPort?: number;
  wsPath?: string;
  httpHost?: string;
  httpPort?: number;
  httpsPort?: number;
  /** Path prefix of the HTTP fallback, default `/pusher`. */
  httpPath?: string;
  /** Use wss/https. Default: true for a cluster or an https page, false otherwise. */
  forceTLS?: boolean;
  /** Channel authorization endpoint (form-encoded `socket_id` + `channel_name`). */
  authEndpoint?: string;
  /** User authentication endpoint for sign-in (form-encoded `socket_id`). */
  userAuthEndpoint?: string;
  authHeaders?: HeadersSource;
  /** Transports to try, in order. Default `['ws', 'xhr_streaming', 'xhr_polling']`. */
  transports?: TransportName[];
  /** Silence after which the client pings, in ms (the server's value is used when lower). Default 120 000. */
  activityTimeoutMs?: number;
  /** How long to wait for any answer to a ping, in ms. Default 30 000. */
  pongTimeoutMs?: number;
  /** How long one transport may take to complete the handshake, in ms. Default 10 000. */
  connectTimeoutMs?: number;
  /**
   * Reconnect backoff (full jitter). Default initial 250 ms, cap 30 000 ms; the first 30 retries stay within
   * 1 000 ms, so a server restart of a few seconds is bridged within a second of it accepting again.
   */
  backoff?: BackoffOptions;
  /** While on an HTTP fallback, try the websocket again after this long, in ms. Default 30 000. */
  upgradeAfterMs?: number;
  /** Injected WebSocket constructor (e.g. the `ws` package in Node 20). Default `globalThis.WebSocket`. */
  WebSocket?: WebSocketConstructor;
  /**
   * IIFE build only: URL of `inloop-client.http.iife.js`, loaded the first time a websocket cannot be used.
   * Default: the same directory as the client's script.
   */
  httpFallbackUrl?: string;
  /**
   * Member lists of presence channels: pass `PresenceMembers` from `@inloop/client/presence` (kept out of
   * the main bundle); without it presence channels work but `channel.members` is null.
   */
  presence?: new () => PresenceMembers;
}

/** Where the client learns that the tab became visible or the network came back. */
export interface EnvironmentEvents {
  onVisible(listener: () => void): () => void;
  onOnline(listener: () => void): () => void;
  onOffline(listener: () => void): () => void;
}

export interface ResolvedOptions extends Omit<ConnectOptions, keyof WatchSettings>, WatchSettings {
  endpoints: TransportEndpoints;
  transports: TransportName[];
  authHeaders: () => Record<string, string>;
  activityTimeoutMs: number;
  pongTimeoutMs: number;
  connectTimeoutMs: number;
  backoff: BackoffOptions;
  upgradeAfterMs: number;
}

/** Defaults of the timing options; each must be a positive number of milliseconds. */
const TIMINGS = {
  activityTimeoutMs: 120_000,
  pongTimeoutMs: 30_000,
  connectTimeoutMs: 10_000,
  upgradeAfterMs: 30_000,
};

/** Validates connect() options and derives the endpoint URLs. */
export function resolveOptions(options: ConnectOptions): ResolvedOptions {
  const { key, wsHost, cluster, transports = TRANSPORT_NAMES } = options ?? {};
  if (!key || typeof key !== 'string') invalidOption('`key` must be the app key (Pusher app key or the relay app key)');
  if (!wsHost && !cluster) invalidOption('set `wsHost` (and `wsPort`) for a relay, or `cluster` for Pusher Channels');
  if (!transports.length || transports.some((name) => !TRANSPORT_NAMES.includes(name))) {
    invalidOption(`\`transports\` must list some of ${TRANSPORT_NAMES.join(', ')}`);
  }

  const hosted = !wsHost;
  const tls = options.forceTLS ?? (hosted || (globalThis as { location?: Location }).location?.protocol === 'https:');
  const host = wsHost ?? `ws-${cluster}.pusher.com`;
  const wsPort = tls ? (options.wssPort ?? options.wsPort ?? 443) : (options.wsPort ?? 80);
  const httpHost = options.httpHost ?? (hosted ? `sockjs-${cluster}.pusher.com` : host);
  const defaultHttpPort = hosted ? (tls ? 443 : 80) : wsPort;
  const httpPort = (tls && options.httpsPort) || options.httpPort || defaultHttpPort;
  const query = `?protocol=7&client=inloop-js&version=${CLIENT_VERSION}`;
  const app = `/app/${encodeURIComponent(key)}`;

  const resolved = {
    ...options,
    ...resolveWatchSettings(options),
    endpoints: {
      ws: `${tls ? 'wss' : 'ws'}://${host}:${wsPort}${options.wsPath ?? ''}${app}${query}&flash=false`,
      httpBase: `${tls ? 'https' : 'http'}://${httpHost}:${httpPort}${options.httpPath ?? '/pusher'}${app}`,
      httpQuery: query,
    },
    transports: [...transports],
    authHeaders: headersOf(options.authHeaders),
    backoff: { initialMs: 250, maxMs: 30_000, quickAttempts: 30, quickMs: 1_000, ...options.backoff },
  } as ResolvedOptions;
  for (const [name, fallback] of Object.entries(TIMINGS) as Array<[keyof typeof TIMINGS, number]>) {
    resolved[name] = positiveMs(options, name, fallback);
  }
  return resolved;
}
