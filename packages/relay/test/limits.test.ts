import { signChannelAuthorization, signRequest } from '@inloop/protocol/signing';
import WebSocket from 'ws';
import { afterEach, describe, expect, it } from 'vitest';
import { type AppLimits, LocalAppRateLimiter, type RelayOptions } from '../src/index.js';
import { TokenBucket } from '../src/limits/token-bucket.js';
import { APP, RawClient, type RunningRelay, startRelay } from './helpers.js';

/** A clock the test moves by hand, so that rates do not depend on how fast the machine is. */
function manualClock() {
  let now = 1_000_000;
  return { now: () => now, advance: (ms: number) => (now += ms) };
}

const relays: RunningRelay[] = [];
const raws: RawClient[] = [];

async function relayWith(limits: Partial<AppLimits>, options: Partial<RelayOptions> = {}) {
  const running = await startRelay({ apps: [{ ...APP, enableClientMessages: true, limits }], ...options });
  relays.push(running);
  return running;
}

afterEach(async () => {
  for (const raw of raws.splice(0)) raw.close();
  for (const running of relays.splice(0)) await running.close();
});

/** A signed HTTP API request (as the official library signs it); the raw response. */
async function api(running: RunningRelay, method: 'GET' | 'POST', path: string, body?: unknown) {
  const fullPath = `/apps/${APP.id}${path}`;
  const text = body === undefined ? undefined : JSON.stringify(body);
  const query = signRequest({ key: APP.key, secret: APP.secret, method, path: fullPath, body: text });
  const response = await fetch(`http://127.0.0.1:${running.port}${fullPath}?${new URLSearchParams(query)}`, {
    method,
    headers: text === undefined ? {} : { 'content-type': 'application/json' },
    body: text,
  });
  return { status: response.status, retryAfter: response.headers.get('retry-after'), body: await response.json() };
}

const trigger = (running: RunningRelay, channels: string[]) =>
  api(running, 'POST', '/events', { name: 'e', channels, data: '{}' });

async function subscribedRaw(running: RunningRelay, channel: string, channelData?: string) {
  const raw = RawClient.forRelay(running.port);
  raws.push(raw);
  const socketId = await raw.socketId();
  raw.send({
    event: 'pusher:subscribe',
    data: { channel, ...signChannelAuthorization(APP, socketId, channel, channelData) },
  });
  await raw.frame((frame) => frame.channel === channel && frame.event.includes('subscription_'));
  return raw;
}

describe('per-app limits', () => {
  it('closes a connection over the app connection quota with 4004 and says why', async () => {
    const running = await relayWith({ maxConnections: 1 });
    const first = RawClient.forRelay(running.port);
    raws.push(first);
    await first.socketId();
    const second = new WebSocket(`ws://127.0.0.1:${running.port}/app/${APP.key}?protocol=7`);
    const [code, reason] = await new Promise<[number, string]>((resolve) =>
      second.on('close', (closeCode, closeReason) => resolve([closeCode, closeReason.toString()])),
    );
    expect(code).toBe(4004);
    expect(reason).toBe('this app is over its quota of 1 connections');
  });

  it('answers 429 on /events once the app is over its backend events per second, counting each channel', async () => {
    const clock = manualClock();
    const running = await relayWith(
      { maxBackendEventsPerSecond: 3 },
      { rateLimiter: new LocalAppRateLimiter(clock.now) },
    );
    expect((await trigger(running, ['a', 'b'])).status).toBe(200);
    expect((await trigger(running, ['c'])).status).toBe(200);
    const refused = await trigger(running, ['d']);
    expect(refused).toMatchObject({
      status: 429,
      retryAfter: '1',
      body: {
        code: 'INLOOP_RATE_LIMITED',
        error:
          'app app-1 is over its limit of 3 events (one per channel) per second (limits.maxBackendEventsPerSecond); slow down and retry',
      },
    });
    clock.advance(1000);
    expect((await trigger(running, ['d'])).status).toBe(200);
  });

  it('answers 429 on /batch_events, where each event of the batch counts', async () => {
    const clock = manualClock();
    const running = await relayWith(
      { maxBackendEventsPerSecond: 2 },
      { rateLimiter: new LocalAppRateLimiter(clock.now) },
    );
    const batch = (size: number) => ({
      batch: Array.from({ length: size }, (_, n) => ({ name: 'e', channel: `c${n}`, data: '{}' })),
    });
    expect((await api(running, 'POST', '/batch_events', batch(3))).status).toBe(429);
    expect((await api(running, 'POST', '/batch_events', batch(2))).status).toBe(200);
    const refused = await api(running, 'POST', '/batch_events', batch(1));
    expect(refused.status).toBe(429);
    expect(refused.body.code).toBe('INLOOP_RATE_LIMITED');
  });

  it('answers 429 on HTTP API reads over the per-second limit; triggers and terminations are not reads', async () => {
    const clock = manualClock();
    const running = await relayWith({ maxApiReadsPerSecond: 3 }, { rateLimiter: new LocalAppRateLimiter(clock.now) });
    await trigger(running, ['x']);
    await api(running, 'POST', '/users/u1/terminate_connections', {});
    expect((await api(running, 'GET', '/channels')).status).toBe(200);
    expect((await api(running, 'GET', '/channels/x')).status).toBe(200);
    expect((await api(running, 'GET', '/channels/presence-x/users')).status).toBe(200);
    for (const path of ['/channels', '/channels/x', '/channels/presence-x/users']) {
      const refused = await api(running, 'GET', path);
      expect(refused.status).toBe(429);
      expect(refused.body.error).toMatch(
        /over its limit of 3 HTTP API reads per second \(limits\.maxApiReadsPerSecond\)/,
      );
    }
    clock.advance(1000);
    expect((await api(running, 'GET', '/channels')).status).toBe(200);
  });

  it('counts an app rate across relays that share a limiter (as a Redis-backed one would across nodes)', async () => {
    const clock = manualClock();
    const shared = new LocalAppRateLimiter(clock.now);
    const nodeA = await relayWith({ maxBackendEventsPerSecond: 2 }, { rateLimiter: shared });
    const nodeB = await relayWith({ maxBackendEventsPerSecond: 2 }, { rateLimiter: shared });
    expect((await trigger(nodeA, ['a'])).status).toBe(200);
    expect((await trigger(nodeB, ['b'])).status).toBe(200);
    expect((await trigger(nodeA, ['c'])).status).toBe(429);
    expect((await trigger(nodeB, ['c'])).status).toBe(429);
  });

  it('refuses client events over the per-connection rate with error 4301 and keeps the connection', async () => {
    const running = await relayWith({ maxClientEventsPerSecond: 2 });
    const sender = await subscribedRaw(running, 'private-chat');
    for (let n = 0; n < 10; n++) sender.send({ event: 'client-n', channel: 'private-chat', data: { n } });
    const error = await sender.frame((frame) => frame.event === 'pusher:error');
    expect(error.data).toEqual({ code: 4301, message: 'client event rate limit reached (2 per second)' });
    sender.send({ event: 'pusher:ping', data: {} });
    await sender.event('pusher:pong');
    expect(sender.closeCode).toBeUndefined();
  });

  it('refuses a presence subscription over the members limit with subscription_error', async () => {
    const running = await relayWith({ maxPresenceMembers: 1 });
    await subscribedRaw(running, 'presence-room', JSON.stringify({ user_id: 'first' }));
    const late = await subscribedRaw(running, 'presence-room', JSON.stringify({ user_id: 'second' }));
    const refused = await late.event('pusher:subscription_error');
    expect(refused.data).toEqual({ type: 'LimitReached', status: 403, error: 'presence channel is full (1 members)' });
  });

  it('refuses event data over the payload limit with 413 (HTTP API) and pusher:error (client events)', async () => {
    const running = await relayWith({ maxPayloadBytes: 100, maxFrameBytes: 10_000 });
    const refused = await api(running, 'POST', '/events', { name: 'e', channels: ['c'], data: 'x'.repeat(101) });
    expect(refused.status).toBe(413);
    expect(refused.body).toEqual({
      code: 'INLOOP_PAYLOAD_TOO_LARGE',
      error: 'event data is 101 bytes, the limit is 100',
    });
    const sender = await subscribedRaw(running, 'private-big');
    sender.send({ event: 'client-big', channel: 'private-big', data: 'x'.repeat(200) });
    const error = await sender.event('pusher:error');
    expect(error.data).toEqual({ code: null, message: 'client event data is larger than 100 bytes' });
  });
});

describe('rate counters', () => {
  it('a token bucket refuses a take larger than what is left, spending nothing, and refills with time', () => {
    const clock = manualClock();
    const bucket = new TokenBucket(4, clock.now);
    expect(bucket.take(3)).toBe(true);
    expect(bucket.take(2)).toBe(false);
    expect(bucket.take(1)).toBe(true);
    expect(bucket.take(1)).toBe(false);
    clock.advance(500);
    expect(bucket.take(2)).toBe(true);
    expect(bucket.take(1)).toBe(false);
  });

  it('the local app limiter keeps apps and rates apart', async () => {
    const clock = manualClock();
    const limiter = new LocalAppRateLimiter(clock.now);
    expect(await limiter.take('a', 'backend-events', 1, 1)).toBe(true);
    expect(await limiter.take('a', 'backend-events', 1, 1)).toBe(false);
    expect(await limiter.take('a', 'api-reads', 1, 1)).toBe(true);
    expect(await limiter.take('b', 'backend-events', 1, 1)).toBe(true);
  });
});
