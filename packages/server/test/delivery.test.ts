import { HttpResponse, http } from 'msw';
import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  createMemoryTransport,
  createNotifier,
  DeliveryError,
  type MemoryMessage,
  type Notifier,
  PayloadTooLargeError,
} from '@inloop/server';
import { recordingLogger, waitFor } from './helpers.js';

const SECRET = 'fanout-secret-55';
const PUSHER_URL = `pusher://key:${SECRET}@api-eu.pusher.com/99`;

let requests = 0;
/** When set, requests wait for it before being answered. */
let gate: Promise<void> | undefined;
let answers: number[] = [];

const server = setupServer(
  http.post('https://api-eu.pusher.com/apps/99/:endpoint', async () => {
    requests++;
    if (gate) await gate;
    const status = answers.shift() ?? 200;
    return status === 200 ? HttpResponse.json({}) : new HttpResponse('error', { status });
  }),
);
beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterAll(() => server.close());

const opened: Notifier[] = [];
afterEach(async () => {
  requests = 0;
  gate = undefined;
  answers = [];
  await Promise.all(opened.splice(0).map((notifier) => notifier.close()));
});

function fanOut(options: { retries?: number } = {}) {
  const memory = createMemoryTransport();
  const received: MemoryMessage[] = [];
  memory.subscribe('*', (message) => received.push(message));
  const logger = recordingLogger();
  const url = options.retries === undefined ? PUSHER_URL : `${PUSHER_URL}?retries=${options.retries}`;
  const notifier = createNotifier([memory, url], { logger, retry: { minDelayMs: 2, maxDelayMs: 10 } });
  opened.push(notifier);
  return { notifier, received, logger };
}

describe('fan-out to several transports', () => {
  it('delivers on the healthy transport while another is still retrying', async () => {
    const { notifier, received, logger } = fanOut();
    let release!: () => void;
    gate = new Promise((resolve) => {
      release = resolve;
    });
    answers = [503, 200];
    let settled = false;
    const sent = notifier.trigger('private-cache-task-f1', 'inloop:task', { n: 1 }).then(() => {
      settled = true;
    });
    await waitFor(() => received.length === 1 && requests === 1);
    expect(received[0]).toMatchObject({ channel: 'private-cache-task-f1', data: { n: 1 } });
    expect(settled).toBe(false);
    release();
    await sent;
    expect(requests).toBe(2);
    expect(logger.records.some((record) => record.msg === 'delivery failed, retrying')).toBe(true);
  });

  it('logs a transport that fails for good and still resolves when another delivered', async () => {
    const { notifier, received, logger } = fanOut();
    answers = [403];
    await notifier.trigger('c', 'e', 1);
    expect(received).toHaveLength(1);
    const failure = logger.records.find((record) => record.msg === 'fan-out: a transport failed');
    expect(failure?.obj).toMatchObject({ transport: 'pusher', event: 'e' });
    expect(JSON.stringify(logger.records)).not.toContain(SECRET);
  });

  it('fails when every transport failed', async () => {
    const failing = createNotifier([PUSHER_URL, PUSHER_URL], { logger: recordingLogger(), retry: { retries: 0 } });
    opened.push(failing);
    answers = [500, 500];
    const error = await failing.trigger('c', 'e', 1).catch((caught) => caught);
    expect(error).toBeInstanceOf(DeliveryError);
    expect(error.message).toMatch(/^every transport failed \(pusher: .*answered 500.*; pusher: .*answered 500/);
  });
});

describe('retry policy', () => {
  it('spreads retries with jitter between half the base delay and the growing ceiling', async () => {
    const delays = async (random: number) => {
      const sleeps: number[] = [];
      const notifier = createNotifier(PUSHER_URL, {
        logger: recordingLogger(),
        retry: { retries: 3, minDelayMs: 100, maxDelayMs: 350 },
        retryHooks: { sleep: async (ms) => void sleeps.push(ms), random: () => random },
      });
      opened.push(notifier);
      answers = [500, 500, 500];
      await notifier.trigger('c', 'e', 1);
      return sleeps;
    };
    expect(await delays(0)).toEqual([50, 50, 50]);
    expect(await delays(1)).toEqual([100, 200, 350]);
  });

  it('fails at once when Retry-After asks for longer than the policy allows', async () => {
    const notifier = createNotifier(PUSHER_URL, { logger: recordingLogger(), retry: { maxRetryAfterMs: 1000 } });
    opened.push(notifier);
    server.use(
      http.post('https://api-eu.pusher.com/apps/99/events', () => {
        requests++;
        return new HttpResponse('slow down', { status: 429, headers: { 'Retry-After': '120' } });
      }),
    );
    await expect(notifier.trigger('c', 'e', 1)).rejects.toMatchObject({ status: 429, retryAfterMs: 120_000 });
    expect(requests).toBe(1);
    server.resetHandlers();
  });

  it('reads Retry-After as an HTTP date too', async () => {
    const sleeps: number[] = [];
    const notifier = createNotifier(PUSHER_URL, {
      logger: recordingLogger(),
      retryHooks: { sleep: async (ms) => void sleeps.push(ms) },
    });
    opened.push(notifier);
    let first = true;
    server.use(
      http.post('https://api-eu.pusher.com/apps/99/events', () => {
        if (!first) return HttpResponse.json({});
        first = false;
        const at = new Date(Date.now() + 30_000).toUTCString();
        return new HttpResponse('busy', { status: 503, headers: { 'Retry-After': at } });
      }),
    );
    await notifier.trigger('c', 'e', 1);
    expect(sleeps).toHaveLength(1);
    expect(sleeps[0]!).toBeGreaterThan(25_000);
    expect(sleeps[0]!).toBeLessThanOrEqual(30_000);
    server.resetHandlers();
  });
});

describe('relay, log and null transports', () => {
  it('relay:// defaults to plain HTTP on port 6001', async () => {
    const seen: string[] = [];
    server.use(
      http.post('http://127.0.0.1:6001/apps/my-app/events', ({ request }) => {
        seen.push(new URL(request.url).pathname);
        return HttpResponse.json({});
      }),
    );
    const notifier = createNotifier(`relay://k:${SECRET}@127.0.0.1/my-app`, { logger: recordingLogger() });
    opened.push(notifier);
    await notifier.trigger('c', 'e', 1);
    expect(seen).toEqual(['/apps/my-app/events']);
    server.resetHandlers();
  });

  it('log:// writes each event to the logger at the chosen level; null:// drops them', async () => {
    const logger = recordingLogger();
    const logged = createNotifier('log://?level=warn', { logger });
    const dropped = createNotifier('null://', { logger });
    opened.push(logged, dropped);
    await logged.trigger('c', 'e', { n: 1 });
    await logged.triggerBatch([{ channel: 'd', name: 'f', data: 2 }]);
    await dropped.trigger('c', 'e', 1);
    expect(logger.records.map((record) => [record.level, record.obj])).toEqual([
      ['warn', { transport: 'log', channel: 'c', event: 'e', data: { n: 1 } }],
      ['warn', { transport: 'log', channel: 'd', event: 'f', data: 2 }],
    ]);
  });
});

describe('payload limits', () => {
  it("uses the relay's configurable limit", async () => {
    const notifier = createNotifier('relay://k:s@127.0.0.1:1/app?maxPayloadBytes=100', { logger: recordingLogger() });
    opened.push(notifier);
    const error = await notifier.trigger('c', 'big', 'é'.repeat(60)).catch((caught) => caught);
    expect(error).toBeInstanceOf(PayloadTooLargeError);
    expect(error.message).toMatch(/^relay: event "big" is 120 bytes, over the limit of 100 bytes/);
  });

  it('checks every event of a batch before sending any', async () => {
    const notifier = createNotifier(PUSHER_URL, { logger: recordingLogger() });
    opened.push(notifier);
    const events = [
      { channel: 'a', name: 'small', data: 'x' },
      { channel: 'b', name: 'huge', data: 'y'.repeat(20_000) },
    ];
    await expect(notifier.triggerBatch(events)).rejects.toThrow(/"huge" is 20000 bytes, over the limit of 10240/);
    expect(requests).toBe(0);
  });
});
