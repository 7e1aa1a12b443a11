import { createHmac } from 'node:crypto';
import { HttpResponse, http } from 'msw';
import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  createAuthorizer,
  createNotifier,
  DeliveryError,
  type Notifier,
  PayloadTooLargeError,
  ProviderMissingError,
} from '@inloop/server';
import { recordingLogger } from './helpers.js';

const KEY_NAME = 'appid.keyid';
const SECRET = 'ably-secret-91c2';
const URL = `ably://${KEY_NAME}:${SECRET}@`;
const REST = 'https://main.realtime.ably.net';
const BASIC = `Basic ${Buffer.from(`${KEY_NAME}:${SECRET}`).toString('base64')}`;
/** Short real backoff: the tests wait milliseconds, not seconds. */
const FAST_RETRY = { minDelayMs: 2, maxDelayMs: 10 };

interface Seen {
  path: string;
  authorization: string | null;
  body: unknown;
}

let seen: Seen[] = [];
/** Answers to give, one per request, before answering success; status 0 is a network error. */
let failures: { status: number; code?: number }[] = [];

function answerOrFail(success: () => Response): Response {
  const failure = failures.shift();
  if (failure?.status === 0) return HttpResponse.error();
  if (failure) {
    const error = {
      message: `failed with ${failure.status}`,
      code: failure.code ?? failure.status * 100,
      statusCode: failure.status,
    };
    return HttpResponse.json({ error }, { status: failure.status });
  }
  return success();
}

const server = setupServer(
  http.post(`${REST}/channels/:channel/messages`, async ({ request }) => {
    seen.push({
      path: new globalThis.URL(request.url).pathname,
      authorization: request.headers.get('authorization'),
      body: await request.json(),
    });
    return answerOrFail(() => HttpResponse.json({ channel: 'x', messageId: 'm1', serials: ['s1'] }, { status: 201 }));
  }),
  http.post(`${REST}/messages`, async ({ request }) => {
    const specs = (await request.json()) as { channels: string[] }[];
    seen.push({ path: '/messages', authorization: request.headers.get('authorization'), body: specs });
    return answerOrFail(() =>
      HttpResponse.json(
        specs.map((spec) => ({
          successCount: spec.channels.length,
          failureCount: 0,
          results: spec.channels.map((channel) => ({ channel, messageId: 'm', serials: ['s'] })),
        })),
        { status: 201 },
      ),
    );
  }),
);

beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterEach(() => {
  seen = [];
  failures = [];
});
afterAll(() => server.close());

const opened: Notifier[] = [];
afterEach(async () => {
  await Promise.all(opened.splice(0).map((notifier) => notifier.close()));
});
function open(url = URL) {
  const logger = recordingLogger();
  const notifier = createNotifier(url, { logger, retry: FAST_RETRY });
  opened.push(notifier);
  return { notifier, logger };
}

const messagesOf = (request: Seen) => request.body as { name: string; data: unknown; encoding?: string }[];

describe('ably transport against the hosted REST API (msw)', () => {
  it('publishes one event to /channels/:name/messages with the API key', async () => {
    const { notifier } = open();
    await notifier.trigger('private-cache-task-a1', 'inloop:task', { v: 1, state: 'running' });
    expect(seen).toHaveLength(1);
    expect(seen[0]!.path).toBe('/channels/private-cache-task-a1/messages');
    expect(seen[0]!.authorization).toBe(BASIC);
    const [message] = messagesOf(seen[0]!);
    expect(message).toMatchObject({ name: 'inloop:task', encoding: 'json' });
    expect(JSON.parse(message!.data as string)).toEqual({ v: 1, state: 'running' });

    // A value Ably cannot carry as is (a number) goes as JSON text that Ably's clients decode.
    await notifier.trigger('c', 'count', 42);
    expect(messagesOf(seen[1]!)[0]).toMatchObject({ name: 'count', data: '42', encoding: 'json' });
  });

  it('publishes to several channels, and concurrent triggers, in one batch request', async () => {
    const { notifier } = open();
    await notifier.trigger(['a', 'b'], 'ev', 'text');
    expect(seen.map((request) => request.path)).toEqual(['/messages']);
    expect(seen[0]!.body).toEqual([{ channels: ['a', 'b'], messages: [{ name: 'ev', data: 'text' }] }]);

    seen = [];
    await Promise.all([notifier.trigger('x', 'e', { n: 1 }), notifier.trigger('y', 'e', { n: 2 })]);
    expect(seen.map((request) => request.path)).toEqual(['/messages']);
    expect(seen[0]!.body).toEqual([
      { channels: ['x'], messages: [{ name: 'e', data: { n: 1 } }] },
      { channels: ['y'], messages: [{ name: 'e', data: { n: 2 } }] },
    ]);
  });

  it('retries 429, 5xx and network errors with backoff, then succeeds', async () => {
    const { notifier, logger } = open();
    failures = [{ status: 429 }, { status: 503 }, { status: 0 }];
    await notifier.trigger('c', 'e', 1);
    expect(seen).toHaveLength(4);
    const retries = logger.records.filter((record) => record.msg === 'delivery failed, retrying');
    expect(retries.map((record) => (record.obj as { retry: number }).retry)).toEqual([1, 2, 3]);
    expect(JSON.stringify(logger.records)).not.toContain(SECRET);
  });

  it('does not retry a 4xx and surfaces the status', async () => {
    const { notifier, logger } = open();
    failures = [{ status: 401, code: 40101 }];
    const error = await notifier.trigger('c', 'e', 1).catch((caught) => caught);
    expect(error).toBeInstanceOf(DeliveryError);
    expect(error).toMatchObject({ status: 401, retryable: false, transport: 'ably', code: 'INLOOP_DELIVERY_FAILED' });
    expect(error.message).toContain('answered 401');
    expect(seen).toHaveLength(1);
    expect(JSON.stringify(logger.records)).not.toContain(SECRET);
  });

  it('gives up after the configured retries with the last status', async () => {
    const { notifier } = open(`${URL}?retries=1`);
    failures = [{ status: 500 }, { status: 502 }, { status: 504 }];
    await expect(notifier.trigger('c', 'e', 1)).rejects.toMatchObject({ status: 502, transport: 'ably' });
    expect(seen).toHaveLength(2);
  });

  it("refuses an event over Ably's 64 KiB before sending", async () => {
    const { notifier } = open();
    const error = await notifier.trigger('c', 'big', 'x'.repeat(64 * 1024 + 10)).catch((caught) => caught);
    expect(error).toBeInstanceOf(PayloadTooLargeError);
    expect(error.message).toBe(
      'ably: event "big" is 65546 bytes, over the limit of 65536 bytes; send less data (e.g. an id the browser can fetch) or raise the limit where the provider allows it',
    );
    expect(seen).toHaveLength(0);
  });

  it('sends to an Ably-compatible host given in the URL', async () => {
    const custom = setupServer(
      http.post('https://rest.example.com:8443/channels/:channel/messages', () =>
        HttpResponse.json({ channel: 'c', messageId: 'm' }, { status: 201 }),
      ),
    );
    server.close();
    custom.listen({ onUnhandledRequest: 'error' });
    try {
      const { notifier } = open(`ably://${KEY_NAME}:${SECRET}@rest.example.com:8443`);
      await expect(notifier.trigger('c', 'e', 1)).resolves.toBeUndefined();
    } finally {
      custom.close();
      server.listen({ onUnhandledRequest: 'error' });
    }
  });
});

describe('ably token requests', () => {
  /** Ably's token request MAC: HMAC-SHA256 over the fields, each followed by a newline. */
  function expectedMac(request: Record<string, unknown>): string {
    const text = ['keyName', 'ttl', 'capability', 'clientId', 'timestamp', 'nonce']
      .map((field) => `${request[field] ?? ''}\n`)
      .join('');
    return createHmac('sha256', SECRET).update(text).digest('base64');
  }

  it('signs a token request locally, limited to the channels the user may read', async () => {
    const { notifier } = open();
    const task = notifier.task('t-owned', { owner: 'alice' });
    await task.queued();
    seen = [];
    const authorizer = createAuthorizer<{ user: string }>({
      notifier,
      getUser: (request) => ({ id: request.user }),
      logger: recordingLogger(),
    });
    const answer = await authorizer.authorize({ user: 'alice' }, { channels: 'private-cache-task-t-owned' });
    expect(answer.status).toBe(200);
    const body = answer.body as Record<string, unknown>;
    expect(body).toMatchObject({ keyName: KEY_NAME, clientId: 'alice' });
    // subscribe, plus history so the browser can attach with rewind=1 and get the last event at once.
    const capability = JSON.parse(body.capability as string) as Record<string, string[]>;
    expect(Object.keys(capability)).toEqual(['private-cache-task-t-owned']);
    expect(capability['private-cache-task-t-owned']!.sort()).toEqual(['history', 'subscribe']);
    expect(body.mac).toBe(expectedMac(body));
    expect(JSON.stringify(body)).not.toContain(SECRET);
    expect(seen).toHaveLength(0);

    const someoneElses = await authorizer.authorize({ user: 'mallory' }, { channels: ['private-cache-task-t-owned'] });
    expect(someoneElses.status).toBe(403);
    const mixed = await authorizer.authorize(
      { user: 'alice' },
      { channels: 'private-cache-task-t-owned,private-other' },
    );
    expect(mixed.status).toBe(403);
  });
});

describe('provider libraries are optional', () => {
  it('names the package to install when the library is missing', async () => {
    const missing = Object.assign(new Error("Cannot find package 'ably' imported from x"), {
      code: 'ERR_MODULE_NOT_FOUND',
    });
    const notifier = createNotifier(URL, {
      logger: recordingLogger(),
      importer: async () => {
        throw missing;
      },
    });
    opened.push(notifier);
    const error = await notifier.trigger('c', 'e', 1).catch((caught) => caught);
    expect(error).toBeInstanceOf(ProviderMissingError);
    expect(error.code).toBe('INLOOP_PROVIDER_MISSING');
    expect(error.message).toBe(
      'the ably transport needs the "ably" package, which is not installed: run npm install ably',
    );
  });
});
