import type { ChannelAuthorization, UserAuthentication } from '@inloop/protocol/signing';

export type { ChannelAuthorization, UserAuthentication };

export interface TriggerOptions {
  /** Excludes this connection from receiving the event (the one that caused it). */
  socketId?: string;
}

/** One event of a `triggerBatch` call. */
export interface BatchEvent {
  channel: string;
  name: string;
  data: unknown;
  socketId?: string;
}

export interface PresenceMember {
  user_id: string;
  user_info?: Record<string, unknown>;
}

/** What `authenticateUser` signs: Pusher's user data (`id`, optional `user_info`, `watchlist`). */
export interface UserData {
  id: string;
  user_info?: Record<string, unknown>;
  watchlist?: string[];
  [key: string]: unknown;
}

export interface TokenRequestParams {
  clientId: string;
  /** Channel name → operations, e.g. `{ 'private-cache-task-1': ['subscribe', 'history'] }`. */
  capability: Record<string, string[]>;
  ttlMs?: number;
}

/** Carries events to browsers; one implementation per provider. */
export interface Transport {
  /** `pusher`, `ably`, `relay`, `memory`, `log`, `null`, `fan-out` or `failover`. */
  readonly kind: string;
  trigger(channels: string | string[], event: string, data: unknown, options?: TriggerOptions): Promise<void>;
  triggerBatch(events: BatchEvent[]): Promise<void>;
  /** Signs a private or presence subscription (Pusher protocol); absent where the provider has no such thing. */
  authorizeChannel?(socketId: string, channel: string, member?: PresenceMember): Promise<ChannelAuthorization>;
  /** Signs a `pusher:signin` (Pusher protocol). */
  authenticateUser?(socketId: string, user: UserData): Promise<UserAuthentication>;
  /** An Ably token request limited to the given capability. */
  createTokenRequest?(params: TokenRequestParams): Promise<unknown>;
  /** A list that sends on one transport at a time (failover): the transport carrying events now. */
  active?(): Transport;
  close(): Promise<void>;
}
