import { hmacSha256Hex, safeEqual } from './hmac.js';

/** Headers a webhook request carries, as Pusher sends them. */
export function webhookHeaders(key: string, secret: string, body: string): Record<string, string> {
  return {
    'Content-Type': 'application/json',
    'X-Pusher-Key': key,
    'X-Pusher-Signature': hmacSha256Hex(secret, body),
  };
}

/** Checks `X-Pusher-Signature` (HMAC-SHA256 hex of the raw body), in constant time. */
export function verifyWebhookSignature(secret: string, body: string, signature: string | undefined): boolean {
  return typeof signature === 'string' && safeEqual(signature, hmacSha256Hex(secret, body));
}

export interface VerifyWebhookInput {
  /** Request headers; names in any case (Node gives them lowercased). */
  headers: Record<string, string | string[] | undefined>;
  /** The raw body exactly as received. */
  body: string;
  /** Finds the secret of the app that owns this key; undefined for an unknown key. */
  secretForKey: (key: string) => string | undefined;
}

export type VerifyWebhookResult = { ok: true; key: string } | { ok: false; reason: string };

function header(headers: VerifyWebhookInput['headers'], name: string): string | undefined {
  for (const [candidate, value] of Object.entries(headers)) {
    if (candidate.toLowerCase() === name) return typeof value === 'string' ? value : undefined;
  }
  return undefined;
}

/** Verifies a webhook as `pusher.webhook(request).isValid()` does: known key, JSON body, valid signature. */
export function verifyWebhook(input: VerifyWebhookInput): VerifyWebhookResult {
  const key = header(input.headers, 'x-pusher-key');
  if (!key) return { ok: false, reason: 'X-Pusher-Key header is missing' };
  const secret = input.secretForKey(key);
  if (secret === undefined) return { ok: false, reason: 'unknown X-Pusher-Key' };
  if (!verifyWebhookSignature(secret, input.body, header(input.headers, 'x-pusher-signature'))) {
    return { ok: false, reason: 'invalid X-Pusher-Signature' };
  }
  return { ok: true, key };
}
