import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { frames } from '@inloop/protocol';
import { afterEach, describe, expect, it } from 'vitest';
import { type AdapterHooks, LocalAdapter } from '../src/index.js';
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

type Labels = Record<string, string>;
interface Sample {
  name: string;
  labels: Labels;
  value: number;
}

/** Parses the Prometheus text exposition format (what a Prometheus server reads). */
function parseExposition(text: string): { samples: Sample[]; types: Map<string, string> } {
  const samples: Sample[] = [];
  const types = new Map<string, string>();
  for (const line of text.split('\n')) {
    const type = /^# TYPE (\S+) (\S+)$/.exec(line);
    if (type) types.set(type[1] as string, type[2] as string);
    if (line === '' || line.startsWith('#')) continue;
    const match = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!match) throw new Error(`not a sample line: ${line}`);
    const labels: Labels = {};
    for (const [, key, value] of (match[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)) {
      labels[key as string] = value as string;
    }
    samples.push({ name: match[1] as string, labels, value: Number(match[3]) });
  }
  return { samples, types };
}

async function scrape(running: RunningRelay) {
  const response = await fetch(`http://127.0.0.1:${running.port}/metrics`);
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
  const parsed = parseExposition(await response.text());
  /** The sum of a metric's samples whose labels include `labels` (0 when none). */
  const value = (name: string, labels: Labels = {}) =>
    parsed.samples
      .filter((sample) => sample.name === name)
      .filter((sample) => Object.entries(labels).every(([key, v]) => sample.labels[key] === v))
      .reduce((sum, sample) => sum + sample.value, 0);
  return { ...parsed, value };
}

/** Scrapes until `name` reaches `expected` (gauges follow connections closing asynchronously). */
async function scrapeUntil(running: RunningRelay, name: string, labels: Labels, expected: number) {
  for (;;) {
    const metrics = await scrape(running);
    if (metrics.value(name, labels) === expected) return metrics;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

const relays: RunningRelay[] = [];
const closers: Array<() => void> = [];

async function relay(options: Parameters<typeof startRelay>[0] = {}) {
  const running = await startRelay(options);
  relays.push(running);
  return running;
}

afterEach(async () => {
  disconnectAll();
  for (const close of closers.splice(0)) close();
  for (const running of relays.splice(0)) await running.close();
});

describe('GET /metrics', () => {
  it('counts connections by app and transport, and subscriptions, as clients come and go', async () => {
    const running = await relay();
    const one = pusherClient(running);
    const two = pusherClient(running);
    await subscribed(one, 'a');
    await subscribed(one, 'b');
    await subscribed(two, 'a');
    const metrics = await scrape(running);
    expect(metrics.types.get('inloop_relay_connections')).toBe('gauge');
    expect(metrics.value('inloop_relay_connections', { app_id: APP.id, transport: 'ws' })).toBe(2);
    expect(metrics.value('inloop_relay_subscriptions', { app_id: APP.id })).toBe(3);
    two.disconnect();
    const after = await scrapeUntil(running, 'inloop_relay_connections', {}, 1);
    expect(after.value('inloop_relay_subscriptions')).toBe(2);
  });

  it('counts frames and bytes in and out', async () => {
    const running = await relay();
    const listeners = [pusherClient(running), pusherClient(running)];
    for (const client of listeners) await subscribed(client, 'news');
    const raw = RawClient.forRelay(running.port);
    closers.push(() => raw.close());
    await raw.socketId();
    const before = await scrape(running);

    const received = listeners.map((client) => nextEvent(client, 'news', 'published'));
    await running.server.trigger('news', 'published', { title: 'é' });
    await Promise.all(received);
    const ping = JSON.stringify({ event: 'pusher:ping', data: {} });
    raw.send(ping);
    await raw.event('pusher:pong');
    const after = await scrape(running);

    const delta = (name: string) => after.value(name) - before.value(name);
    const eventFrame = frames.event('news', 'published', JSON.stringify({ title: 'é' }));
    const pong = frames.pong();
    expect(delta('inloop_relay_messages_sent_total')).toBe(3);
    expect(delta('inloop_relay_bytes_sent_total')).toBe(2 * Buffer.byteLength(eventFrame) + Buffer.byteLength(pong));
    expect(delta('inloop_relay_messages_received_total')).toBe(1);
    expect(delta('inloop_relay_bytes_received_total')).toBe(Buffer.byteLength(ping));
    expect(after.types.get('inloop_relay_messages_sent_total')).toBe('counter');
  });

  it('counts HTTP API calls by route and status', async () => {
    const running = await relay({ apps: [{ ...APP, limits: { maxApiReadsPerSecond: 1 } }] });
    await running.server.trigger('c', 'e', {});
    await running.server.trigger('c', 'e', {});
    await running.server.get({ path: '/channels' });
    await expect(running.server.get({ path: '/channels' })).rejects.toMatchObject({ status: 429 });
    const unsigned = await fetch(`http://127.0.0.1:${running.port}/apps/${APP.id}/channels`);
    expect(unsigned.status).toBe(401);
    const metrics = await scrape(running);
    const calls = (route: string, status: string) =>
      metrics.value('inloop_relay_http_api_requests_total', { route, status });
    expect(calls('/apps/:appId/events', '200')).toBe(2);
    expect(calls('/apps/:appId/channels', '200')).toBe(1);
    expect(calls('/apps/:appId/channels', '429')).toBe(1);
    expect(calls('/apps/:appId/channels', '401')).toBe(1);
  });

  it('counts webhook requests delivered and failed, and events given up on', async () => {
    let requests = 0;
    const receiver = createServer((request, response) => {
      request.resume();
      request.on('end', () => response.writeHead(++requests === 1 ? 500 : 200).end());
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    closers.push(() => receiver.close());
    const url = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/`;
    const running = await relay({
      apps: [{ ...APP, webhooks: [{ url }, { url: 'http://127.0.0.1:1/nobody-listens' }] }],
      webhookDelivery: { batchMilliseconds: 10, retryDelayMilliseconds: 10, maxAttempts: 2 },
    });
    await subscribed(pusherClient(running), 'watched');
    await running.relay.webhooks.flush();
    const metrics = await scrape(running);
    expect(metrics.value('inloop_relay_webhook_requests_total', { outcome: 'delivered' })).toBe(1);
    expect(metrics.value('inloop_relay_webhook_requests_total', { outcome: 'failed' })).toBe(3);
    expect(metrics.value('inloop_relay_webhook_events_dropped_total', { reason: 'gave_up' })).toBe(1);
  });

  it('records the round-trips an adapter reports', async () => {
    class TimedAdapter extends LocalAdapter {
      hooks: AdapterHooks | undefined;
      attachHooks(hooks: AdapterHooks) {
        this.hooks = hooks;
      }
      override publish(appId: string, channel: string, frame: string, exceptSocketId?: string) {
        this.hooks?.roundTrip('publish', 0.002);
        super.publish(appId, channel, frame, exceptSocketId);
      }
    }
    const running = await relay({ adapter: new TimedAdapter() });
    await running.server.trigger(['x', 'y'], 'e', {});
    const metrics = await scrape(running);
    expect(metrics.types.get('inloop_relay_adapter_round_trip_seconds')).toBe('histogram');
    expect(metrics.value('inloop_relay_adapter_round_trip_seconds_count', { operation: 'publish' })).toBe(2);
    expect(metrics.value('inloop_relay_adapter_round_trip_seconds_sum', { operation: 'publish' })).toBeCloseTo(0.004);
    expect(metrics.value('inloop_relay_adapter_round_trip_seconds_bucket', { operation: 'publish', le: '0.001' })).toBe(
      0,
    );
    expect(
      metrics.value('inloop_relay_adapter_round_trip_seconds_bucket', { operation: 'publish', le: '0.0025' }),
    ).toBe(2);
  });

  it('keeps the metrics of several relays in one process apart', async () => {
    const first = await relay();
    const second = await relay();
    await subscribed(pusherClient(first), 'only-here');
    const [a, b] = await Promise.all([scrape(first), scrape(second)]);
    expect(a.value('inloop_relay_connections')).toBe(1);
    expect(b.value('inloop_relay_connections')).toBe(0);
    expect(a.value('inloop_relay_process_resident_memory_bytes')).toBeGreaterThan(0);
  });
});
