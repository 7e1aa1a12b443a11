import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { verifyRequest } from '@inloop/protocol/signing';
import { createNotifier, DeliveryError, type Notifier, PayloadTooLargeError } from '@inloop/server';
import { recordingLogger } from './helpers.js';

const SECRET = 'pusher-secret-7f3a';
const KEY = 'pusher-key';
const BASE = 'https://api-eu.pusher.com';
const URL = `pusher://${KEY}:${SECRET}@api-eu.pusher.com/1234567`;

interface Seen {
  path: string;
  body: Record<string, unknown>;
  signatureOk: boolean;
}

let seen: Seen[] = [];
/** Status codes to answer with, one per request, before answering 200. */
let failures: { status: number; body?: string; headers?: Record<string, string> }[] = [];

const server = setupServer(
  http.post(`${BASE}/apps/1234567/:endpoint`, async ({ request }) => {
    const url = new globalThis.URL(request.url);
    const raw = await request.text();
    const verdict = verifyRequest({
      method: 'POST',
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      body: raw,
      secretForKey: (key) => (key === KEY ? SECRET : undefined),
    });
    seen.push({ path: url.pathname, body: JSON.parse(raw), signatureOk: verdict.ok });
    const failure = failures.shift();
    if (failure?.status === 0) return HttpResponse.error();
    if (failure) return new HttpResponse(failure.body ?? 'error', { status: failure.status, headers: failure.headers });
    return HttpResponse.json({});
  }),
);

beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterEach(() => {
  seen = [];
  failures = [];
  server.resetHandlers();
});
afterAll(() => server.close());

/** A short real backoff (milliseconds); the delays chosen are read back from the retry warnings logged. */
const FAST_RETRY = { minDelayMs: 2, maxDelayMs: 50 };

function pusherNotifier(url = URL) {
  const logger = recordingLogger();
  const notifier = createNotifier(url, { logger, retry: FAST_RETRY, retryHooks: { random: () => 0.5 } });
  const sleeps = {
    get list(): number[] {
      return logger.records
        .filter((record) => record.msg === 'delivery failed, retrying')
        .map((record) => (record.obj as { delayMs: number }).delayMs);
    },
  };
  return { notifier, sleeps, logger };
}

const opened: Notifier[] = [];
afterEach(async () => {
  await Promise.all(opened.splice(0).map((notifier) => notifier.close()));
});
function open(url = URL) {
  const made = pusherNotifier(url);
  opened.push(made.notifier);
  return made;
}

describe('pusher transport against the hosted REST API (msw)', () => {
  it('triggers one event with a signed request to /apps/:id/events', async () => {
    const { notifier } = open();
    await notifier.trigger(['private-a', 'private-b'], 'my-event', { hello: 'world' }, { socketId: '123.456' });
    expect(seen).toEqual([
      {
        path: '/apps/1234567/events',
        signatureOk: true,
        body: {
          name: 'my-event',
          data: '{"hello":"world"}',
          channels: ['private-a', 'private-b'],
          socket_id: '123.456',
        },
      },
    ]);
  });

  it('merges concurrent triggers into batch calls of at most 10 events', async () => {
    const { notifier } = open();
    await Promise.all(Array.from({ length: 25 }, (_, i) => notifier.trigger(`channel-${i}`, 'tick', { i })));
    expect(seen.map((request) => request.path)).toEqual(Array(3).fill('/apps/1234567/batch_events'));
    expect(seen.every((request) => request.signatureOk)).toBe(true);
    const batches = seen.map((request) => request.body.batch as { channel: string; name: string; data: string }[]);
    expect(batches.map((batch) => batch.length)).toEqual([10, 10, 5]);
    expect(batches.flat()).toEqual(
      Array.from({ length: 25 }, (_, i) => ({ channel: `channel-${i}`, name: 'tick', data: JSON.stringify({ i }) })),
    );
  });

  it('splits triggerBatch into calls of at most 10', async () => {
    const { notifier } = open();
    await notifier.triggerBatch(
      Array.from({ length: 12 }, (_, i) => ({
        channel: 'c',
        name: 'e',
        data: `d${i}`,
        socketId: i === 0 ? '1.2' : undefined,
      })),
    );
    const batches = seen.map((request) => request.body.batch as Record<string, unknown>[]);
    expect(batches.map((batch) => batch.length)).toEqual([10, 2]);
    expect(batches[0]![0]).toEqual({ channel: 'c', name: 'e', data: 'd0', socket_id: '1.2' });
  });

  it('retries a 429 after the Retry-After it asks for', async () => {
    // Retry-After is in whole seconds: the wait is recorded rather than slept.
    const waits: number[] = [];
    const notifier = createNotifier(URL, {
      logger: recordingLogger(),
      retryHooks: { sleep: async (ms) => void waits.push(ms) },
    });
    opened.push(notifier);
    failures = [{ status: 429, headers: { 'Retry-After': '2' } }];
    await notifier.trigger('c', 'e', 1);
    expect(seen).toHaveLength(2);
    expect(waits).toEqual([2000]);
  });

  it('retries 5xx and network errors with growing backoff, then succeeds', async () => {
    const { notifier, sleeps } = open();
    failures = [{ status: 503 }, { status: 0 }, { status: 500 }];
    await notifier.trigger('c', 'e', 1);
    expect(seen).toHaveLength(4);
    expect(sleeps.list).toHaveLength(3);
    expect(sleeps.list[0]!).toBeLessThan(sleeps.list[1]!);
    expect(sleeps.list[1]!).toBeLessThan(sleeps.list[2]!);
  });

  it('does not retry a 4xx and surfaces the status and the answer', async () => {
    const { notifier, sleeps, logger } = open();
    failures = [{ status: 403, body: 'Unknown app' }];
    const error = await notifier.trigger('c', 'e', 1).catch((caught) => caught);
    expect(error).toBeInstanceOf(DeliveryError);
    expect(error).toMatchObject({ status: 403, retryable: false, code: 'INLOOP_DELIVERY_FAILED' });
    expect(error.message).toBe('pusher: POST /apps/1234567/events answered 403: Unknown app');
    expect(seen).toHaveLength(1);
    expect(sleeps.list).toEqual([]);
    expect(JSON.stringify(logger.records)).not.toContain(SECRET);
  });

  it('gives up after the configured retries with the last status', async () => {
    const { notifier, sleeps, logger } = open(`${URL}?retries=2`);
    failures = [{ status: 502 }, { status: 502 }, { status: 502 }, { status: 502 }];
    await expect(notifier.trigger('c', 'e', 1)).rejects.toMatchObject({ status: 502, transport: 'pusher' });
    expect(seen).toHaveLength(3);
    expect(sleeps.list).toHaveLength(2);
    expect(logger.records.filter((record) => record.level === 'warn')).toHaveLength(2);
    expect(JSON.stringify(logger.records)).not.toContain(SECRET);
  });

  it('refuses an event over 10 KiB before sending, saying its size and the limit', async () => {
    const { notifier } = open();
    const error = await notifier.trigger('c', 'big', 'x'.repeat(10 * 1024 + 1)).catch((caught) => caught);
    expect(error).toBeInstanceOf(PayloadTooLargeError);
    expect(error).toMatchObject({ size: 10_241, limit: 10_240, code: 'INLOOP_PAYLOAD_TOO_LARGE' });
    expect(error.message).toContain('10241 bytes, over the limit of 10240 bytes');
    expect(seen).toHaveLength(0);
  });

  it("carries a task reporter's events", async () => {
    const { notifier } = open();
    const task = notifier.task('report-1');
    await task.start();
    await task.succeed({ ok: true });
    expect(seen.map((request) => request.body.name)).toEqual(['inloop:task', 'inloop:task']);
    expect(seen.map((request) => request.body.channels)).toEqual([
      ['private-cache-task-report-1'],
      ['private-cache-task-report-1'],
    ]);
    const last = JSON.parse(seen[1]!.body.data as string);
    expect(last).toMatchObject({ v: 1, task: 'report-1', seq: 2, state: 'succeeded', result: { ok: true } });
  });

  it('signs channel authorizations and user sign-ins with the official library', async () => {
    const { notifier } = open();
    const { signChannelAuthorization, signUserAuthentication } = await import('@inloop/protocol/signing');
    const app = { key: KEY, secret: SECRET };
    expect(await notifier.transport.authorizeChannel!('1.1', 'private-x')).toEqual(
      signChannelAuthorization(app, '1.1', 'private-x'),
    );
    const member = { user_id: 'u1', user_info: { name: 'Ann' } };
    expect(await notifier.transport.authorizeChannel!('1.1', 'presence-x', member)).toEqual(
      signChannelAuthorization(app, '1.1', 'presence-x', JSON.stringify(member)),
    );
    expect(await notifier.transport.authenticateUser!('1.1', { id: 'u1' })).toEqual(
      signUserAuthentication(app, '1.1', JSON.stringify({ id: 'u1' })),
    );
  });
});
