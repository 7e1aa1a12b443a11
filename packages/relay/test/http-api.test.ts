import { signRequest } from '@inloop/protocol/signing';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { APP, disconnectAll, nextEvent, pusherClient, type RunningRelay, startRelay, subscribed } from './helpers.js';

let running: RunningRelay;
beforeAll(async () => {
  running = await startRelay();
});
afterEach(() => disconnectAll());
afterAll(() => running.close());

interface SignedOptions {
  method?: 'GET' | 'POST';
  body?: string;
  query?: Record<string, string>;
  /** Change the signed query before sending it. */
  tamper?: (query: Record<string, string>) => void;
  timestamp?: number;
  secret?: string;
}

async function signed(path: string, options: SignedOptions = {}) {
  const method = options.method ?? (options.body === undefined ? 'GET' : 'POST');
  const fullPath = `/apps/${APP.id}${path}`;
  const query = signRequest({
    key: APP.key,
    secret: options.secret ?? APP.secret,
    method,
    path: fullPath,
    query: options.query,
    body: options.body,
    timestamp: options.timestamp,
  });
  options.tamper?.(query);
  const response = await fetch(`http://127.0.0.1:${running.port}${fullPath}?${new URLSearchParams(query)}`, {
    method,
    headers: options.body === undefined ? {} : { 'content-type': 'application/json' },
    body: options.body,
  });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : undefined };
}

const event = (overrides: Record<string, unknown> = {}) =>
  JSON.stringify({ name: 'e', channels: ['c'], data: '{}', ...overrides });

describe('HTTP API signatures', () => {
  it('accepts a correctly signed trigger', async () => {
    expect(await signed('/events', { body: event() })).toEqual({ status: 200, body: {} });
  });

  it.each([
    ['a wrong secret', { secret: 'not-the-secret' }, 'invalid signature'],
    ['a replayed (old) timestamp', { timestamp: Math.floor(Date.now() / 1000) - 601 }, 'auth_timestamp'],
    ['a timestamp from the future', { timestamp: Math.floor(Date.now() / 1000) + 3600 }, 'auth_timestamp'],
    [
      'a body_md5 that does not match',
      { tamper: (q: Record<string, string>) => (q.body_md5 = '0'.repeat(32)) },
      'body_md5',
    ],
    ['no signature', { tamper: (q: Record<string, string>) => delete q.auth_signature }, 'auth_signature'],
    ['an unknown key', { tamper: (q: Record<string, string>) => (q.auth_key = 'other') }, 'auth_key'],
  ])('refuses a request with %s with 401', async (_what, options, reason) => {
    const response = await signed('/events', { body: event(), ...options });
    expect(response.status).toBe(401);
    expect(response.body.error).toContain(reason);
    expect(JSON.stringify(response.body)).not.toContain(APP.secret);
  });

  it('refuses a body changed after signing', async () => {
    const query = signRequest({
      key: APP.key,
      secret: APP.secret,
      method: 'POST',
      path: `/apps/${APP.id}/events`,
      body: event(),
    });
    const response = await fetch(
      `http://127.0.0.1:${running.port}/apps/${APP.id}/events?${new URLSearchParams(query)}`,
      {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: event({ name: 'forged' }),
      },
    );
    expect(response.status).toBe(401);
  });

  it('refuses an app id that does not match the key', async () => {
    const query = signRequest({ key: APP.key, secret: APP.secret, method: 'GET', path: '/apps/other/channels' });
    const response = await fetch(`http://127.0.0.1:${running.port}/apps/other/channels?${new URLSearchParams(query)}`);
    expect(response.status).toBe(401);
  });
});

describe('HTTP API limits', () => {
  it.each([
    ['malformed JSON', '{"name":', 400, 'not valid JSON'],
    ['no event name', JSON.stringify({ channels: ['c'], data: '' }), 400, 'name'],
    ['no channels', JSON.stringify({ name: 'e', data: '' }), 400, 'channels'],
    ['101 channels', event({ channels: Array.from({ length: 101 }, (_, i) => `c${i}`) }), 400, 'limit is 100'],
    ['an event name over 200 characters', event({ name: 'e'.repeat(201) }), 400, 'limit is 200'],
    ['a channel name with bad characters', event({ channels: ['bad name!'] }), 400, 'letters, digits'],
    ['a channel name over 164 characters', event({ channels: ['c'.repeat(165)] }), 400, 'limit is 164'],
    ['a malformed socket_id', event({ socket_id: 'abc' }), 400, 'socket_id'],
    ['data over 10 KiB', event({ data: 'x'.repeat(10 * 1024 + 1) }), 413, '10240'],
  ])('refuses a trigger with %s', async (_what, body, status, message) => {
    const response = await signed('/events', { body });
    expect(response.status).toBe(status);
    expect(response.body.error).toContain(message);
  });

  it('refuses a body over the HTTP body limit with 413', async () => {
    const response = await signed('/events', { body: event({ data: 'x'.repeat(300 * 1024) }) });
    expect(response.status).toBe(413);
    expect(response.body.code).toBe('INLOOP_PAYLOAD_TOO_LARGE');
  });

  it('refuses a batch of more than 10 events', async () => {
    const batch = Array.from({ length: 11 }, () => ({ channel: 'c', name: 'e', data: '{}' }));
    const response = await signed('/batch_events', { body: JSON.stringify({ batch }) });
    expect(response.status).toBe(400);
    expect(response.body.error).toContain('limit is 10');
  });

  it('accepts a payload limit configured per app', async () => {
    const roomy = await startRelay({ apps: [{ ...APP, limits: { maxPayloadBytes: 50 * 1024 } }] });
    try {
      const client = pusherClient(roomy);
      await subscribed(client, 'big');
      const received = nextEvent<string>(client, 'big', 'blob');
      await roomy.server.trigger('big', 'blob', 'y'.repeat(20 * 1024));
      expect((await received).length).toBe(20 * 1024);
    } finally {
      await roomy.close();
    }
  });

  it('keeps serving subscribers after refusing bad requests', async () => {
    const client = pusherClient(running);
    await subscribed(client, 'after-bad');
    await signed('/events', { body: '{"name":' });
    await signed('/events', { body: event(), secret: 'wrong' });
    const received = nextEvent(client, 'after-bad', 'fine');
    await running.server.trigger('after-bad', 'fine', { ok: 1 });
    expect(await received).toEqual({ ok: 1 });
  });
});

describe('HTTP API queries', () => {
  it('lists occupied channels with filter_by_prefix and info', async () => {
    const a = pusherClient(running, { presence: { user_id: 'a' } });
    const b = pusherClient(running, { presence: { user_id: 'b' } });
    await Promise.all([
      subscribed(a, 'presence-lobby'),
      subscribed(b, 'presence-lobby'),
      subscribed(a, 'news'),
      subscribed(b, 'private-news'),
    ]);
    const all = (await (await running.server.get({ path: '/channels' })).json()) as {
      channels: Record<string, object>;
    };
    expect(Object.keys(all.channels)).toEqual(expect.arrayContaining(['presence-lobby', 'news', 'private-news']));
    const presence = (await (
      await running.server.get({
        path: '/channels',
        params: { filter_by_prefix: 'presence-', info: 'user_count,subscription_count' },
      })
    ).json()) as { channels: Record<string, object> };
    expect(presence.channels).toEqual({ 'presence-lobby': { user_count: 2, subscription_count: 2 } });
  });

  it('answers info=user_count without a presence prefix with 400', async () => {
    const response = await signed('/channels', { query: { info: 'user_count' } });
    expect(response.status).toBe(400);
  });

  it('describes one channel and says when it is not occupied', async () => {
    expect((await signed('/channels/nobody-here', { query: { info: 'subscription_count' } })).body).toEqual({
      occupied: false,
      subscription_count: 0,
    });
  });

  it('refuses /users of a channel that is not a presence channel', async () => {
    const response = await signed('/channels/news/users');
    expect(response.status).toBe(400);
    expect(response.body.error).toContain('presence');
  });

  it('returns channel attributes from a trigger with info', async () => {
    const client = pusherClient(running);
    await subscribed(client, 'counted');
    const response = await signed('/events', { body: event({ channels: ['counted'], info: 'subscription_count' }) });
    expect(response.body).toEqual({ channels: { counted: { subscription_count: 1 } } });
  });
});
