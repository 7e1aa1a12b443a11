import { verifyWebhook, verifyWebhookSignature, webhookHeaders } from '@inloop/protocol/signing';
import Pusher from 'pusher';
import { describe, expect, it } from 'vitest';

const KEY = 'app-key';
const SECRET = 'app-secret';
const pusher = new Pusher({ appId: '1', key: KEY, secret: SECRET, host: '127.0.0.1', useTLS: false });

const body = JSON.stringify({
  time_ms: 1_700_000_000_000,
  events: [
    { name: 'channel_occupied', channel: 'presence-a=b@c,d.e;f' },
    { name: 'member_added', channel: 'presence-room', user_id: 'ünïcode-7' },
  ],
});

/** Headers as Node's http module hands them to a server: names lowercased. */
function lowercased(headers: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(headers).map(([name, value]) => [name.toLowerCase(), value]));
}

function flipByte(text: string, index: number): string {
  const bytes = Buffer.from(text);
  bytes[index] = bytes[index]! ^ 1;
  return bytes.toString();
}

describe('webhook signatures', () => {
  it('are accepted by the official pusher library', () => {
    const headers = lowercased(webhookHeaders(KEY, SECRET, body));
    const webhook = pusher.webhook({ headers, rawBody: body });
    expect(webhook.isValid()).toBe(true);
    expect(webhook.getEvents()).toHaveLength(2);
  });

  it('are refused by the official library when one byte of the body changes', () => {
    const headers = lowercased(webhookHeaders(KEY, SECRET, body));
    expect(pusher.webhook({ headers, rawBody: flipByte(body, 12) }).isValid()).toBe(false);
  });

  it('signed with another secret are refused by the official library', () => {
    const headers = lowercased(webhookHeaders(KEY, 'other-secret', body));
    expect(pusher.webhook({ headers, rawBody: body }).isValid()).toBe(false);
  });

  it('verify with our verifier, in any header case, and refuse changes', () => {
    const secretForKey = (key: string) => (key === KEY ? SECRET : undefined);
    const headers = webhookHeaders(KEY, SECRET, body);
    expect(verifyWebhook({ headers, body, secretForKey })).toEqual({ ok: true, key: KEY });
    expect(verifyWebhook({ headers: lowercased(headers), body, secretForKey })).toEqual({ ok: true, key: KEY });
    expect(verifyWebhook({ headers, body: flipByte(body, 3), secretForKey })).toEqual({
      ok: false,
      reason: 'invalid X-Pusher-Signature',
    });
    expect(verifyWebhook({ headers: { ...headers, 'X-Pusher-Key': 'nope' }, body, secretForKey })).toEqual({
      ok: false,
      reason: 'unknown X-Pusher-Key',
    });
    expect(verifyWebhook({ headers: {}, body, secretForKey })).toEqual({
      ok: false,
      reason: 'X-Pusher-Key header is missing',
    });
    const signature = headers['X-Pusher-Signature']!;
    expect(verifyWebhookSignature(SECRET, body, signature)).toBe(true);
    expect(verifyWebhookSignature(SECRET, body, signature.toUpperCase())).toBe(false);
    expect(verifyWebhookSignature(SECRET, body, undefined)).toBe(false);
  });
});
