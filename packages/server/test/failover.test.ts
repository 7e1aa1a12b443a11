/**
 * Failover between a real @inloop/relay (events read back by a pusher-js client) and Pusher's REST API
 * (msw): which transport carries each event, when it switches and back, and what does not fail over.
 */
import { HttpResponse, http } from 'msw';
import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createRelay, type Relay } from '@inloop/relay';
import {
  ConfigError,
  createNotifier,
  createTransport,
  DeliveryError,
  PayloadTooLargeError,
  type Transport,
  type TransportInput,
} from '@inloop/server';
import { Pusher } from '../../../test/helpers/pusher-js.js';
import { type RecordedLog, recordingLogger, waitFor } from './helpers.js';

const SECRET = 'failover-secret-9q';
const PUSHER_URL = `pusher://pusher-key:${SECRET}@api-eu.pusher.com/1234567`;
const APP = { id: 'app-1', key: 'relay-key', secret: SECRET };
const FEED = 'failover-feed';

/** Events Pusher's API was asked to send, and the statuses it answers with (one per request, then 200). */
let pusherEvents: string[] = [];
let pusherAnswers: number[] = [];
let pusherDown = false;

const server = setupServer(
  http.post('https://api-eu.pusher.com/apps/1234567/:endpoint', async ({ request }) => {
    const body = (await request.json()) as { name?: string; batch?: { name: string }[] };
    const status = pusherDown ? 503 : (pusherAnswers.shift() ?? 200);
    if (status === 200) pusherEvents.push(...(body.batch?.map((event) => event.name) ?? [body.name!]));
    return status === 200 ? HttpResponse.json({}) : new HttpResponse('unavailable', { status });
  }),
);

let relay: Relay;
let relayUrl: string;
/** A relay URL on which nothing listens any more. */
let closedRelayUrl: string;
let feed: Pusher;
/** Events the relay delivered to the pusher-js client on FEED, in order. */
const relayEvents: string[] = [];

const relayUrlAt = (port: number) => `relay://${APP.key}:${APP.secret}@127.0.0.1:${port}/${APP.id}`;

beforeAll(async () => {
  server.listen({
    onUnhandledRequest(request, print) {
      if (new URL(request.url).hostname !== '127.0.0.1') print.error();
    },
  });
  relay = await createRelay({ logger: false, apps: [APP] });
  relayUrl = relayUrlAt((await relay.listen({ port: 0, host: '127.0.0.1' })).port);
  const closed = await createRelay({ logger: false, apps: [APP] });
  closedRelayUrl = relayUrlAt((await closed.listen({ port: 0, host: '127.0.0.1' })).port);
  await closed.close();

  feed = new Pusher(APP.key, {
    cluster: 'unused',
    wsHost: '127.0.0.1',
    wsPort: Number(new URL(relayUrl.replace('relay:', 'http:')).port),
    forceTLS: false,
    enabledTransports: ['ws'],
    disableStats: true,
  });
  const channel = feed.subscribe(FEED);
  channel.bind_global((event: string) => {
    if (!event.startsWith('pusher:')) relayEvents.push(event);
  });
  await new Promise<void>((resolve) => channel.bind('pusher:subscription_succeeded', () => resolve()));
});

afterAll(async () => {
  feed?.disconnect();
  await relay?.close();
  server.close();
});

const opened: Transport[] = [];
afterEach(async () => {
  await Promise.all(opened.splice(0).map((transport) => transport.close()));
  pusherEvents = [];
  pusherAnswers = [];
  pusherDown = false;
  relayEvents.length = 0;
});

function failover(input: TransportInput) {
  const logger = recordingLogger();
  const clock = { now: 1_000 };
  const transport = createTransport(input, {
    logger,
    retry: { retries: 1, minDelayMs: 1, maxDelayMs: 2 },
    now: () => clock.now,
  });
  opened.push(transport);
  const switches = () => logger.records.filter((record) => record.msg?.startsWith('failover:'));
  return { transport, logger, clock, switches };
}

/**
 * Proves the relay carried none of the events asserted before: a marker sent to it directly arrives after
 * anything sent earlier, since the relay delivers one channel's events in order.
 */
async function relayCarriedOnly(expected: string[]) {
  const direct = createNotifier(relayUrl, { logger: recordingLogger() });
  await direct.trigger(FEED, 'marker', {});
  await waitFor(() => relayEvents.includes('marker'));
  await direct.close();
  expect(relayEvents.filter((event) => event !== 'marker')).toEqual(expected);
}

const fields = (record: RecordedLog | undefined) => record?.obj as Record<string, unknown> | undefined;

describe('failover between a relay and Pusher', () => {
  it('sends on the primary only while it works', async () => {
    const { transport, switches } = failover({ failover: [relayUrl, PUSHER_URL] });
    expect(transport.kind).toBe('failover');
    await transport.trigger(FEED, 'one', { n: 1 });
    await transport.trigger(FEED, 'two', { n: 2 });
    await waitFor(() => relayEvents.length === 2);
    expect(relayEvents).toEqual(['one', 'two']);
    expect(pusherEvents).toEqual([]);
    expect(switches()).toEqual([]);
  });

  it('sends the event on the next transport when Pusher answers 503 after its retries, and logs the switch', async () => {
    const { transport, switches } = failover({ failover: [PUSHER_URL, relayUrl] });
    pusherAnswers = [503, 503];
    await transport.trigger(FEED, 'rescued', { n: 1 });
    await waitFor(() => relayEvents.length === 1);
    expect(relayEvents).toEqual(['rescued']);
    expect(pusherEvents).toEqual([]);
    expect(pusherAnswers).toEqual([]); // the try and its one retry were both made first
    const [record] = switches();
    expect(record?.level).toBe('warn');
    expect(record?.msg).toBe('failover: switched to the next transport');
    expect(fields(record)).toMatchObject({ from: 'pusher', to: 'relay', event: 'rescued', coolDownMs: 30_000 });
    expect(fields(record)?.err).toBeInstanceOf(DeliveryError);
    expect(fields(record)?.err).toMatchObject({ status: 503 });
    expect(JSON.stringify(switches())).not.toContain(SECRET);
  });

  it('falls over from a relay that is down to Pusher, batches included', async () => {
    const { transport, switches } = failover({ failover: [closedRelayUrl, PUSHER_URL] });
    await transport.trigger(FEED, 'single', {});
    await transport.triggerBatch([
      { channel: FEED, name: 'batched-1', data: {} },
      { channel: FEED, name: 'batched-2', data: {} },
    ]);
    expect(pusherEvents).toEqual(['single', 'batched-1', 'batched-2']);
    expect(switches().map((record) => [fields(record)?.from, fields(record)?.to])).toEqual([['relay', 'pusher']]);
  });

  it('passes the failed primary over during its cool-down and goes back to it once it has passed', async () => {
    const { transport, clock, switches } = failover({ failover: [PUSHER_URL, relayUrl], coolDownMs: 5_000 });
    pusherAnswers = [503, 503];
    await transport.trigger(FEED, 'while-down', {});
    clock.now += 4_999;
    await transport.trigger(FEED, 'cooling', {});
    expect(pusherAnswers).toEqual([]);
    expect(pusherEvents).toEqual([]); // not asked at all while cooling down: every answer would have been 200

    clock.now += 1;
    await transport.trigger(FEED, 'recovered', {});
    expect(pusherEvents).toEqual(['recovered']);
    await relayCarriedOnly(['while-down', 'cooling']);
    expect(switches().map((record) => [record.msg, fields(record)?.from, fields(record)?.to])).toEqual([
      ['failover: switched to the next transport', 'pusher', 'relay'],
      ['failover: back to the first transport', 'relay', 'pusher'],
    ]);
  });

  it('tries the primary again after its cool-down and, if it still fails, falls over again', async () => {
    const { transport, clock } = failover({ failover: [PUSHER_URL, relayUrl], coolDownMs: 100 });
    pusherDown = true;
    await transport.trigger(FEED, 'first', {});
    clock.now += 100;
    await transport.trigger(FEED, 'second', {});
    await waitFor(() => relayEvents.length === 2);
    expect(relayEvents).toEqual(['first', 'second']);
  });

  it('does not fall over on a 400: the error is the caller’s and surfaces, and the primary is not cooled', async () => {
    const { transport, switches } = failover({ failover: [PUSHER_URL, relayUrl] });
    pusherAnswers = [400];
    const error = await transport.trigger(FEED, 'bad-request', {}).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(DeliveryError);
    expect((error as DeliveryError).status).toBe(400);
    await transport.trigger(FEED, 'next', {});
    expect(pusherEvents).toEqual(['next']);
    await relayCarriedOnly([]);
    expect(switches()).toEqual([]);
  });

  it('does not fall over on an event over the payload limit, though the next transport would take it', async () => {
    const { transport } = failover({ failover: [PUSHER_URL, `${relayUrl}?maxPayloadBytes=100000`] });
    const big = 'x'.repeat(20 * 1024);
    await expect(transport.trigger(FEED, 'too-big', big)).rejects.toBeInstanceOf(PayloadTooLargeError);
    await relayCarriedOnly([]);
    expect(pusherEvents).toEqual([]);
  });

  it('fails with one DeliveryError naming each transport when all fail, and tries the cooling ones last', async () => {
    const { transport, clock, logger } = failover({ failover: [closedRelayUrl, PUSHER_URL] });
    pusherDown = true;
    const error = (await transport.trigger(FEED, 'lost', {}).catch((caught: unknown) => caught)) as DeliveryError;
    expect(error).toBeInstanceOf(DeliveryError);
    expect(error.transport).toBe('failover');
    expect(error.message).toMatch(/^failover: every transport failed \(relay: .*failed.*; pusher: .*answered 503/);
    expect(error.message).not.toContain(SECRET);
    expect(error.cause).toHaveLength(2);

    // Both are cooling down now; they are still tried, in order, rather than the event dropped.
    clock.now += 1_000;
    pusherDown = false;
    await transport.trigger(FEED, 'late', {});
    expect(pusherEvents).toEqual(['late']);

    // Having delivered, Pusher is no longer cooling down: the next event goes to it before the cooling relay.
    const relayRetries = () =>
      logger.records.filter((record) => (record.obj as { transport?: string }).transport === 'relay').length;
    const before = relayRetries();
    await transport.trigger(FEED, 'after', {});
    expect(pusherEvents).toEqual(['late', 'after']);
    expect(relayRetries()).toBe(before);
  });

  it('signs browser auth with the transport that delivers, else the first able one', async () => {
    const { transport } = failover({ failover: [PUSHER_URL, relayUrl] });
    const keyOfSignature = async () => (await transport.authorizeChannel!('1.2', 'private-x')).auth.split(':')[0];
    expect(await keyOfSignature()).toBe('pusher-key');
    pusherDown = true;
    await transport.trigger(FEED, 'moved', {});
    expect(await keyOfSignature()).toBe('relay-key');
    expect(transport.createTokenRequest).toBeUndefined();

    const memoryFirst = failover({ failover: ['memory://', relayUrl] }).transport;
    expect((await memoryFirst.authorizeChannel!('1.2', 'private-x')).auth.split(':')[0]).toBe('relay-key');
  });

  it('tells which transport carries events now, and the notifier says the same', async () => {
    const { transport, clock } = failover({ failover: [PUSHER_URL, closedRelayUrl, relayUrl] });
    expect(transport.active!().kind).toBe('pusher');
    pusherDown = true;
    await transport.trigger(FEED, 'to-the-backup', {});
    const backup = transport.active!();
    // The closed relay failed too: the one carrying events is the live relay, the third.
    expect(backup.kind).toBe('relay');
    await backup.trigger(FEED, 'direct', {});
    await waitFor(() => relayEvents.includes('direct'));
    pusherDown = false;
    clock.now += 30_000;
    await transport.trigger(FEED, 'back', {});
    expect(transport.active!().kind).toBe('pusher');

    const notifier = createNotifier({ failover: [PUSHER_URL, relayUrl] }, { logger: recordingLogger() });
    expect(notifier.activeTransport().kind).toBe('pusher');
    await notifier.close();
    const single = createNotifier('memory://', { logger: recordingLogger() });
    expect(single.activeTransport()).toBe(single.transport);
    await single.close();
  });

  it('closes every transport', async () => {
    const closed: string[] = [];
    const fake = (kind: string): Transport => ({
      kind,
      trigger: async () => {},
      triggerBatch: async () => {},
      close: async () => {
        closed.push(kind);
      },
    });
    const { transport } = failover({ failover: [fake('a'), fake('b'), fake('c')] });
    await transport.close();
    expect(closed.sort()).toEqual(['a', 'b', 'c']);
  });
});

describe('transport list config', () => {
  function issuesOf(input: unknown): string[] {
    try {
      createTransport(input as TransportInput, { logger: recordingLogger() });
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      for (const issue of (error as ConfigError).issues) expect(issue).not.toContain(SECRET);
      return (error as ConfigError).issues;
    }
    throw new Error('expected a ConfigError');
  }

  it('reads { fanOut } as a plain array, and a list of one as that transport', async () => {
    const fanOut = createTransport({ fanOut: ['memory://', 'null://'] }, { logger: recordingLogger() });
    expect(fanOut.kind).toBe('fan-out');
    expect(createTransport({ failover: ['memory://'] }, { logger: recordingLogger() }).kind).toBe('memory');
    const notifier = createNotifier({ failover: ['memory://', { fanOut: ['null://', 'log://'] }], coolDownMs: '500' });
    expect(notifier.transport.kind).toBe('failover');
    await notifier.close();
  });

  it('refuses empty lists', () => {
    expect(issuesOf({ failover: [] })).toEqual([
      'failover must be a list of at least one transport — e.g. { failover: [relayUrl, pusherUrl] } or { fanOut: [relayUrl, pusherUrl] }',
    ]);
    expect(issuesOf({ fanOut: 'memory://' })[0]).toMatch(/^fanOut must be a list of at least one transport/);
    expect(issuesOf([])).toEqual(['a transport list cannot be empty — e.g. [pusherUrl, relayUrl]']);
  });

  it('names an unknown mode', () => {
    expect(issuesOf({ roundRobin: ['memory://', 'null://'] })).toEqual([
      'roundRobin is not a way to use a transport list; write { failover: [relayUrl, pusherUrl] } or { fanOut: [relayUrl, pusherUrl] }',
    ]);
  });

  it('refuses nesting that says nothing and settings that do not exist', () => {
    expect(issuesOf(['memory://', ['null://', 'log://']])).toEqual([
      'list[1] is a list inside a list: write { failover: [relayUrl, pusherUrl] } or { fanOut: [relayUrl, pusherUrl] } to say how its transports are used',
    ]);
    expect(issuesOf({ failover: ['memory://', { failover: ['null://'] }] })).toEqual([
      'failover[1] is a failover list inside a failover list: put its transports in the outer list',
    ]);
    expect(issuesOf({ failover: ['memory://'], fanOut: ['null://'] })[0]).toMatch(
      /^failover and fanOut cannot be in one object: nest one in the other/,
    );
    expect(issuesOf({ fanOut: ['memory://'], coolDownMs: 5 })).toEqual([
      'fanOut list: coolDownMs is not a setting; it takes none',
    ]);
    expect(issuesOf({ failover: ['memory://'], cooldown: 5, coolDownMs: -1 })).toEqual([
      'failover list: cooldown is not a setting; the settings are coolDownMs',
      'failover list: coolDownMs must be a whole number of milliseconds ≥ 0 — e.g. coolDownMs: 30000',
    ]);
  });

  it('says which entry of a list is wrong, for every wrong one', () => {
    const issues = issuesOf({ failover: [`relay://k:${SECRET}@/app`, { fanOut: ['memory://', 'pusherr://x'] }] });
    expect(issues).toHaveLength(2);
    expect(issues[0]).toMatch(/^failover\[0\]: relay URL: /);
    expect(issues[1]).toMatch(/^failover\[1\]: fanOut\[1\]: the URL scheme "pusherr:\/\/" is not a transport/);
  });
});
