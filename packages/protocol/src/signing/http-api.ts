import { ProtocolError, ProtocolErrorCode } from '../errors.js';
import { hmacSha256Hex, md5Hex, safeEqual } from './hmac.js';

/** Requests signed more than this many seconds from the server's clock are refused (replay). */
export const DEFAULT_MAX_CLOCK_SKEW_SECONDS = 600;

export type QueryParams = Record<string, string | string[] | undefined>;

/** Query parameters the signature itself fills in; a caller may not set them. */
const RESERVED_PARAMS = new Set(['auth_key', 'auth_timestamp', 'auth_version', 'auth_signature', 'body_md5']);

export interface SignRequestInput {
  key: string;
  secret: string;
  method: string;
  path: string;
  query?: Record<string, string>;
  body?: string;
  /** Seconds since the epoch; defaults to now. */
  timestamp?: number;
}

/**
 * Pusher's string to sign: `METHOD\npath\nk=v&...` with keys lowercased and sorted, values not
 * URL-encoded (https://pusher.com/docs/channels/library_auth_reference/rest-api/#authentication).
 */
function stringToSign(method: string, path: string, params: ReadonlyArray<readonly [string, string]>): string {
  const sorted = params
    .map(([name, value]) => [name.toLowerCase(), value] as const)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([name, value]) => `${name}=${value}`)
    .join('&');
  return `${method.toUpperCase()}\n${path}\n${sorted}`;
}

/** Signs an HTTP API request as the official `pusher` library does; returns the full query to send. */
export function signRequest(input: SignRequestInput): Record<string, string> {
  for (const name of Object.keys(input.query ?? {})) {
    if (RESERVED_PARAMS.has(name.toLowerCase())) {
      throw new ProtocolError(
        ProtocolErrorCode.SigningInputInvalid,
        `query parameter ${name} is set by the signature; remove it from the query`,
      );
    }
  }
  const params: Record<string, string> = {
    ...input.query,
    auth_key: input.key,
    auth_timestamp: String(input.timestamp ?? Math.floor(Date.now() / 1000)),
    auth_version: '1.0',
  };
  if (input.body !== undefined && input.body.length > 0) params.body_md5 = md5Hex(input.body);
  const auth_signature = hmacSha256Hex(input.secret, stringToSign(input.method, input.path, Object.entries(params)));
  return { ...params, auth_signature };
}

export interface VerifyRequestInput {
  method: string;
  /** The path without the query string, e.g. `/apps/123/events`. */
  path: string;
  /** The decoded query parameters (what a URL or querystring parser gives); repeated names are refused. */
  query: QueryParams;
  /** The raw body exactly as received. */
  body?: string | Uint8Array;
  /** Finds the secret of the app that owns this key; undefined for an unknown key. */
  secretForKey: (key: string) => string | undefined;
  /** Seconds since the epoch; defaults to now. */
  now?: number;
  maxClockSkewSeconds?: number;
}

export type VerifyRequestResult = { ok: true; key: string } | { ok: false; status: 401; reason: string };

const DIGITS = /^\d{1,15}$/;

function single(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? undefined : value;
}

/**
 * Verifies an HTTP API request's key, timestamp, body_md5 and signature (constant-time
 * comparisons). The reason of a refusal is safe to return to the caller: it never holds a secret.
 */
export function verifyRequest(input: VerifyRequestInput): VerifyRequestResult {
  const fail = (reason: string): VerifyRequestResult => ({ ok: false, status: 401, reason });
  const key = single(input.query.auth_key);
  const signature = single(input.query.auth_signature);
  const timestamp = single(input.query.auth_timestamp);
  if (!key || !signature || !timestamp) return fail('auth_key, auth_timestamp and auth_signature are required');
  if (single(input.query.auth_version) !== '1.0') return fail('auth_version must be 1.0');
  const secret = input.secretForKey(key);
  if (secret === undefined) return fail('unknown auth_key');

  const now = input.now ?? Math.floor(Date.now() / 1000);
  const maxSkew = input.maxClockSkewSeconds ?? DEFAULT_MAX_CLOCK_SKEW_SECONDS;
  if (!DIGITS.test(timestamp)) return fail('auth_timestamp must be whole seconds since the epoch');
  if (Math.abs(now - Number(timestamp)) > maxSkew) {
    return fail(`auth_timestamp is more than ${maxSkew} seconds from the server's clock; check the sender's clock`);
  }

  const params: Array<readonly [string, string]> = [];
  for (const [name, value] of Object.entries(input.query)) {
    if (name === 'auth_signature' || value === undefined) continue;
    if (Array.isArray(value)) return fail(`query parameter ${name} is repeated`);
    params.push([name, value]);
  }
  const body = input.body ?? '';
  const bodyMd5 = single(input.query.body_md5);
  if (bodyMd5 === undefined) {
    if (body.length > 0) return fail('body_md5 is required for a request with a body');
  } else if (!safeEqual(bodyMd5, md5Hex(body))) {
    return fail('body_md5 does not match the body');
  }
  const path = input.path.split('?', 1)[0] ?? input.path;
  const expected = hmacSha256Hex(secret, stringToSign(input.method, path, params));
  if (!safeEqual(signature, expected)) return fail('invalid signature');
  return { ok: true, key };
}
