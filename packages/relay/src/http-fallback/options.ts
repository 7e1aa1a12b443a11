import { RelayConfigError } from '../errors.js';

/** Tuning of the HTTP fallback; every field has a default that suits pusher-js. */
export interface HttpFallbackOptions {
  /** A session with no open receive request for this long is closed and leaves its channels. */
  sessionTimeoutMs?: number;
  /** A streaming response gets an `h` line this often, so proxies and the client see activity. */
  heartbeatMs?: number;
  /** A long-poll request with nothing to deliver is answered with `h` after this long. */
  pollTimeoutMs?: number;
  /** Frames waiting for a slow or absent receiver, in bytes; over it the session is closed with 4100. */
  maxBufferedBytes?: number;
  /** Largest `xhr_send` body in bytes. */
  maxSendBodyBytes?: number;
}

export type ResolvedHttpFallbackOptions = Required<HttpFallbackOptions>;

export const HTTP_FALLBACK_DEFAULTS: ResolvedHttpFallbackOptions = {
  sessionTimeoutMs: 10_000,
  heartbeatMs: 25_000,
  pollTimeoutMs: 25_000,
  maxBufferedBytes: 1024 * 1024,
  maxSendBodyBytes: 64 * 1024,
};

export function resolveHttpFallbackOptions(options: HttpFallbackOptions = {}): ResolvedHttpFallbackOptions {
  const resolved = { ...HTTP_FALLBACK_DEFAULTS };
  const problems: string[] = [];
  for (const [name, value] of Object.entries(options) as [keyof HttpFallbackOptions, number | undefined][]) {
    if (value === undefined) continue;
    if (!(name in HTTP_FALLBACK_DEFAULTS)) {
      problems.push(`httpFallback.${name} is not an option (known: ${Object.keys(HTTP_FALLBACK_DEFAULTS).join(', ')})`);
    } else if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
      const unit = name.endsWith('Ms') ? 'milliseconds' : 'bytes';
      problems.push(`httpFallback.${name} must be a positive number of ${unit}, got ${String(value)}`);
    } else {
      resolved[name] = value;
    }
  }
  if (problems.length > 0) throw new RelayConfigError(problems);
  return resolved;
}
