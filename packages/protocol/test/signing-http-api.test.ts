import { createHash } from 'node:crypto';
import { parse as parseQuerystring } from 'node:querystring';
import { type QueryParams, signRequest, verifyRequest } from '@inloop/protocol/signing';
import Pusher from 'pusher';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CapturedRequest, CaptureServer } from './support/capture-server.js';

const KEY = 'app-key';
const SECRET = 'app-secret';
const SPECIAL_CHANNEL = 'presence-a=b@c,d.e;f';

let server: CaptureServer;
let pusher: Pusher;

beforeAll(async () => {
  server = await CaptureServer.start();
  pusher = new Pusher({
    appId: '1',
    key: KEY,
    secret: SECRET,
    host: '127.0.0.1',
    port: String(server.port),
    useTLS: false,
  });
});

afterAll(async () => {
  await server.close();
});

/** Query parameters as a WHATWG URL parser decodes them; a repeated name becomes a list. */
function urlQuery(url: string): QueryParams {
  const query: QueryParams = {};
  for (const [name, value] of new URL(url, 'http://127.0.0.1').searchParams) {
    const seen = query[name];
    query[name] = seen === undefined ? value : [...(Array.isArray(seen) ? seen : [seen]), value];
  }
  return query;
}

/** Query parameters as node:querystring (and so fastify's default parser) decodes them. */
function querystringQuery(url: string): QueryParams {
  return { ...parseQuerystring(url.split('?')[1] ?? '') };
}

function verify(request: CapturedRequest, options: { now?: number; parser?: (url: string) => QueryParams } = {}) {
  const result = verifyRequest({
    method: request.method,
    path: new URL(request.url, 'http://127.0.0.1').pathname,
    query: (options.parser ?? urlQuery)(request.url),
    body: request.body,
    secretForKey: (key) => (key === KEY ? SECRET : undefined),
    ...(options.now === undefined ? {} : { now: options.now }),
  });
  return result.ok ? 'ok' : result.reason;
}

function timestampOf(request: CapturedRequest): number {
  return Number(new URL(request.url, 'http://127.0.0.1').searchParams.get('auth_timestamp'));
}

/** The same request with the byte at `index` of the URL replaced. */
function withUrlByte(request: CapturedRequest, index: number, replacement: string): CapturedRequest {
  return { ...request, url: request.url.slice(0, index) + replacement + request.url.slice(index + 1) };
}

function withBodyByte(request: CapturedRequest, index: number): CapturedRequest {
  const body = Buffer.from(request.body);
  body[index] = body[index]! ^ 1;
  return { ...request, body };
}

describe('verifyRequest accepts what the official pusher library sends', () => {
  it('trigger to a channel with special characters', async () => {
    await pusher.trigger(SPECIAL_CHANNEL, 'my-event', { text: 'héllo €' });
    const request = server.take();
    expect(request.url).toContain('/apps/1/events?');
    expect(JSON.parse(request.body.toString()).channels).toEqual([SPECIAL_CHANNEL]);
    expect(verify(request)).toBe('ok');
    expect(verify(request, { parser: querystringQuery })).toBe('ok');
  });

  it('trigger to several channels with socket_id and info', async () => {
    await pusher.trigger(['private-a', 'presence-b'], 'ev', 'plain', { socket_id: '123.456', info: 'user_count' });
    expect(verify(server.take())).toBe('ok');
  });

  it('triggerBatch', async () => {
    await pusher.triggerBatch([
      { channel: 'private-cache-task-1', name: 'inloop:task', data: { seq: 1 } },
      { channel: SPECIAL_CHANNEL, name: 'ev', data: 'x', info: 'subscription_count' },
    ]);
    const request = server.take();
    expect(request.url).toContain('/apps/1/batch_events?');
    expect(verify(request)).toBe('ok');
  });

  it('get with filter_by_prefix and info left unencoded in the query', async () => {
    await pusher.get({
      path: '/channels',
      params: { filter_by_prefix: 'presence-a=b@c', info: 'user_count,subscription_count' },
    });
    const request = server.take();
    expect(request.method).toBe('GET');
    expect(request.url).toContain('filter_by_prefix=presence-a=b@c&');
    expect(verify(request)).toBe('ok');
    expect(verify(request, { parser: querystringQuery })).toBe('ok');
  });

  it('get of one channel and of its users, special characters in the path', async () => {
    await pusher.get({ path: `/channels/${SPECIAL_CHANNEL}`, params: { info: 'user_count' } });
    expect(verify(server.take())).toBe('ok');
    await pusher.get({ path: `/channels/${SPECIAL_CHANNEL}/users` });
    expect(verify(server.take())).toBe('ok');
  });

  it('sendToUser and terminateUserConnections', async () => {
    await pusher.sendToUser('user-7', 'notice', { hi: true });
    const sent = server.take();
    expect(JSON.parse(sent.body.toString()).channels).toEqual(['#server-to-user-user-7']);
    expect(verify(sent)).toBe('ok');
    await pusher.terminateUserConnections('user-7');
    const terminate = server.take();
    expect(terminate.url).toContain('/apps/1/users/user-7/terminate_connections?');
    expect(verify(terminate)).toBe('ok');
  });
});

describe('verifyRequest refuses a request with one changed byte', () => {
  let trigger: CapturedRequest;
  let list: CapturedRequest;

  beforeAll(async () => {
    await pusher.trigger(SPECIAL_CHANNEL, 'my-event', { n: 1 });
    trigger = server.take();
    await pusher.get({ path: '/channels', params: { filter_by_prefix: 'presence-', info: 'user_count' } });
    list = server.take();
  });

  it('in the body', () => {
    expect(verify(withBodyByte(trigger, 5))).toBe('body_md5 does not match the body');
    expect(verify(withBodyByte(trigger, trigger.body.length - 2))).toBe('body_md5 does not match the body');
  });

  it('in the body, with body_md5 recomputed by the forger', () => {
    const forged = withBodyByte(trigger, 5);
    const md5 = new URL(trigger.url, 'http://x').searchParams.get('body_md5')!;
    const forgedMd5 = createHash('md5').update(forged.body).digest('hex');
    expect(verify({ ...forged, url: forged.url.replace(md5, forgedMd5) })).toBe('invalid signature');
  });

  it('in body_md5', () => {
    const index = trigger.url.indexOf('body_md5=') + 'body_md5='.length;
    const changed = trigger.url[index] === 'a' ? 'b' : 'a';
    expect(verify(withUrlByte(trigger, index, changed))).toBe('body_md5 does not match the body');
  });

  it('in a query parameter', () => {
    const index = list.url.indexOf('filter_by_prefix=') + 'filter_by_prefix=p'.length;
    expect(verify(withUrlByte(list, index, 'x'))).toBe('invalid signature');
    const info = list.url.indexOf('info=user_count') + 'info=u'.length;
    expect(verify(withUrlByte(list, info, 'x'))).toBe('invalid signature');
  });

  it('in the signature', () => {
    const last = list.url.length - 1;
    expect(verify(withUrlByte(list, last, list.url[last] === '0' ? '1' : '0'))).toBe('invalid signature');
  });

  it('in the path or the method', () => {
    const index = trigger.url.indexOf('/events');
    expect(verify(withUrlByte(trigger, index + 1, 'E'))).toBe('invalid signature');
    expect(verify({ ...list, method: 'POST' })).toBe('invalid signature');
  });

  it('with an added parameter', () => {
    expect(verify({ ...list, url: `${list.url}&extra=1` })).toBe('invalid signature');
  });

  it('with a repeated parameter', () => {
    expect(verify({ ...list, url: `${list.url}&info=user_count` })).toBe('query parameter info is repeated');
  });

  it('without body_md5 for a body', () => {
    const url = trigger.url.replace(/&?body_md5=[0-9a-f]+/, '');
    expect(verify({ ...trigger, url })).toBe('body_md5 is required for a request with a body');
  });

  it('with an unknown key, a missing field or another auth_version', () => {
    expect(verify({ ...list, url: list.url.replace(`auth_key=${KEY}`, 'auth_key=other') })).toBe('unknown auth_key');
    expect(verify({ ...list, url: list.url.replace(/auth_signature=[0-9a-f]+/, '') })).toMatch(/required/);
    expect(verify({ ...list, url: list.url.replace('auth_version=1.0', 'auth_version=2.0') })).toBe(
      'auth_version must be 1.0',
    );
  });
});

describe('verifyRequest checks the timestamp against ±600 s', () => {
  let request: CapturedRequest;

  beforeAll(async () => {
    await pusher.trigger('private-a', 'ev', {});
    request = server.take();
  });

  it('accepts the edges of the window', () => {
    const signedAt = timestampOf(request);
    expect(verify(request, { now: signedAt + 600 })).toBe('ok');
    expect(verify(request, { now: signedAt - 600 })).toBe('ok');
  });

  it('refuses outside it', () => {
    const signedAt = timestampOf(request);
    expect(verify(request, { now: signedAt + 601 })).toMatch(/more than 600 seconds/);
    expect(verify(request, { now: signedAt - 601 })).toMatch(/more than 600 seconds/);
  });

  it('refuses a timestamp that is not whole seconds', () => {
    const signedAt = String(timestampOf(request));
    for (const bad of ['1e9', `${signedAt}.0`, ` ${signedAt}`, '-1', 'abc']) {
      const url = request.url.replace(`auth_timestamp=${signedAt}`, `auth_timestamp=${encodeURIComponent(bad)}`);
      expect(verify({ ...request, url })).toBe('auth_timestamp must be whole seconds since the epoch');
    }
  });
});

describe('signRequest signs as the official pusher library does', () => {
  it.each([
    ['POST', '/apps/1/events', {}, '{"name":"e","channels":["private-a"],"data":"{}"}'],
    ['GET', '/apps/1/channels', { filter_by_prefix: 'presence-a=b@c,d.e;f', info: 'user_count' }, undefined],
    ['GET', `/apps/1/channels/${SPECIAL_CHANNEL}/users`, {}, undefined],
  ])('%s %s', (method, path, params, body) => {
    const official = new URLSearchParams(
      pusher.createSignedQueryString({ method, path, params, ...(body === undefined ? {} : { body }) }),
    );
    const ours = signRequest({
      key: KEY,
      secret: SECRET,
      method,
      path,
      query: params,
      ...(body === undefined ? {} : { body }),
      timestamp: Number(official.get('auth_timestamp')),
    });
    expect(ours).toEqual(Object.fromEntries(official));
    const verified = verifyRequest({
      method,
      path,
      query: ours,
      ...(body === undefined ? {} : { body }),
      secretForKey: () => SECRET,
    });
    expect(verified).toEqual({ ok: true, key: KEY });
  });

  it('refuses a query that sets a parameter the signature owns', () => {
    expect(() =>
      signRequest({ key: KEY, secret: SECRET, method: 'GET', path: '/x', query: { auth_timestamp: '1' } }),
    ).toThrow(/auth_timestamp is set by the signature/);
  });

  it('lowercases parameter names before sorting, as the HTTP API reference says', () => {
    const signed = signRequest({ key: KEY, secret: SECRET, method: 'GET', path: '/x', query: { Info: 'a' } });
    const lower = { ...signed, info: 'a' } as Record<string, string | undefined>;
    delete lower.Info;
    expect(verifyRequest({ method: 'GET', path: '/x', query: lower, secretForKey: () => SECRET }).ok).toBe(true);
  });
});
