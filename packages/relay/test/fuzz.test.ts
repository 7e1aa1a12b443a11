import { Writable } from 'node:stream';
import { signRequest } from '@inloop/protocol/signing';
import fc from 'fast-check';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  APP,
  disconnectAll,
  nextEvent,
  pusherClient,
  RawClient,
  type RunningRelay,
  startRelay,
  subscribed,
} from './helpers.js';

/** Seeded: a failure names the seed, and the same frames come back on every run. */
const SEED = 20_261_123;

const channelName = fc.oneof(
  fc.constantFrom(
    'public',
    'private-a',
    'presence-a',
    'private-cache-a',
    'cache-a',
    'private-encrypted-a',
    '#server-to-user-1',
    '',
  ),
  fc.string({ maxLength: 40 }),
);
const eventName = fc.oneof(
  fc.constantFrom(
    'pusher:subscribe',
    'pusher:unsubscribe',
    'pusher:ping',
    'pusher:pong',
    'pusher:signin',
    'pusher_internal:subscription_succeeded',
    'client-typing',
  ),
  fc.string({ maxLength: 30 }),
);
const subscribeData = fc.record(
  { channel: channelName, auth: fc.string({ maxLength: 80 }), channel_data: fc.oneof(fc.string(), fc.json()) },
  { requiredKeys: [] },
);
const signinData = fc.record({ auth: fc.string({ maxLength: 80 }), user_data: fc.json() }, { requiredKeys: [] });
const pusherShaped = fc
  .record(
    {
      event: eventName,
      channel: channelName,
      data: fc.oneof(
        fc.jsonValue(),
        subscribeData,
        signinData,
        subscribeData.map((data) => JSON.stringify(data)),
      ),
    },
    { requiredKeys: ['event'] },
  )
  .map((frame) => JSON.stringify(frame));

/** Random text, random JSON, Pusher-shaped frames with random fields, and a few over the frame limit. */
const frame = fc.oneof(
  { weight: 2, arbitrary: fc.string({ maxLength: 200 }) },
  { weight: 2, arbitrary: fc.json() },
  { weight: 6, arbitrary: pusherShaped },
  { weight: 1, arbitrary: fc.string({ minLength: 10_300, maxLength: 11_000 }) },
  { weight: 1, arbitrary: fc.uint8Array({ maxLength: 300 }) },
);

const errorLogs: string[] = [];
let running: RunningRelay;

beforeAll(async () => {
  const sink = new Writable({
    write(chunk, _encoding, done) {
      // Routes may log below the logger's level (the fallback's own `logLevel`): keep errors only.
      const line = String(chunk);
      if ((JSON.parse(line) as { level: number }).level >= 50) errorLogs.push(line);
      done();
    },
  });
  running = await startRelay({ logger: pino({ level: 'error' }, sink) });
});
afterAll(async () => {
  disconnectAll();
  await running.close();
});

/** The relay still serves: a pusher-js client subscribes and receives an event triggered by `pusher`. */
async function stillServing(channel: string): Promise<void> {
  const bystander = pusherClient(running);
  await subscribed(bystander, channel);
  const received = nextEvent(bystander, channel, 'after-fuzz');
  await running.server.trigger(channel, 'after-fuzz', { ok: true });
  expect(await received).toEqual({ ok: true });
  expect(await (await fetch(`http://127.0.0.1:${running.port}/health`)).json()).toEqual({ status: 'ok' });
}

describe('fuzzing a live relay', () => {
  it('survives random websocket frames: each bad one is answered, no connection but the sender is affected', async () => {
    const watcher = pusherClient(running);
    await subscribed(watcher, 'private-watched');
    const frames = fc.sample(frame, { numRuns: 500, seed: SEED });
    const senders = [RawClient.forRelay(running.port), RawClient.forRelay(running.port)];
    await Promise.all(senders.map((sender) => sender.socketId()));
    frames.forEach((sample, index) => {
      const sender = senders[index % senders.length]!;
      if (sender.closeCode === undefined) sender.ws.send(typeof sample === 'string' ? sample : Buffer.from(sample));
    });
    for (const sender of senders) {
      // Every frame was handled by now (frames are processed in order): a ping still gets its pong.
      sender.send({ event: 'pusher:ping', data: {} });
      await sender.event('pusher:pong');
      expect(sender.closeCode).toBeUndefined();
      expect(sender.frames.filter((f) => f.event === 'pusher:error').length).toBeGreaterThan(0);
    }
    await stillServing('private-watched');
    expect(errorLogs).toEqual([]);
  });

  it('answers random signed HTTP API bodies with 200 or a 4xx, never a server error', async () => {
    const body = fc.oneof(
      fc.json(),
      fc.string({ maxLength: 300 }),
      fc
        .tuple(
          fc.boolean(),
          fc.record(
            {
              name: fc.oneof(fc.constant('e'), fc.string({ maxLength: 210 })),
              channels: fc.array(channelName, { maxLength: 4 }),
              channel: channelName,
              data: fc.oneof(fc.string({ maxLength: 100 }), fc.jsonValue()),
              socket_id: fc.oneof(fc.constant('1.2'), fc.string({ maxLength: 20 })),
              info: fc.oneof(fc.constantFrom('subscription_count', 'user_count'), fc.string({ maxLength: 20 })),
            },
            { requiredKeys: [] },
          ),
        )
        .map(([asBatch, event]) => JSON.stringify(asBatch ? { batch: [event] } : event)),
    );
    const statuses = new Set<number>();
    for (const [index, sample] of fc.sample(body, { numRuns: 150, seed: SEED }).entries()) {
      const path = `/apps/${APP.id}/${index % 2 === 0 ? 'events' : 'batch_events'}`;
      const query = signRequest({ key: APP.key, secret: APP.secret, method: 'POST', path, body: sample });
      const response = await fetch(`http://127.0.0.1:${running.port}${path}?${new URLSearchParams(query)}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: sample,
      });
      await response.arrayBuffer();
      statuses.add(response.status);
      expect(response.status, `body ${sample.slice(0, 200)}`).toBeLessThan(500);
    }
    expect([...statuses].some((status) => status >= 400)).toBe(true);
    await stillServing('after-http-fuzz');
    expect(errorLogs).toEqual([]);
  });

  it('answers random xhr_send bodies on an HTTP session with 204 or 400, and the session keeps working', async () => {
    const base = `http://127.0.0.1:${running.port}/pusher/app/${APP.key}/123/fuzzsess`;
    const opened = await fetch(`${base}/xhr?protocol=7&client=fuzz&version=1`, { method: 'POST' });
    expect(await opened.text()).toContain('pusher:connection_established');
    const bodies = fc.sample(
      fc.oneof(
        fc.string({ maxLength: 200 }),
        fc.json(),
        fc
          .array(fc.oneof(pusherShaped, fc.string({ maxLength: 50 })), { maxLength: 4 })
          .map((list) => JSON.stringify(list)),
      ),
      { numRuns: 150, seed: SEED },
    );
    for (const body of bodies) {
      const response = await fetch(`${base}/xhr_send`, { method: 'POST', body });
      await response.arrayBuffer();
      expect([204, 400], `body ${body.slice(0, 200)}`).toContain(response.status);
    }
    const ping = await fetch(`${base}/xhr_send`, {
      method: 'POST',
      body: JSON.stringify([JSON.stringify({ event: 'pusher:ping', data: {} })]),
    });
    expect(ping.status).toBe(204);
    let received = '';
    while (!received.includes('pusher:pong')) {
      received += await (await fetch(`${base}/xhr`, { method: 'POST' })).text();
    }
    await stillServing('after-session-fuzz');
    expect(errorLogs).toEqual([]);
  });
});
