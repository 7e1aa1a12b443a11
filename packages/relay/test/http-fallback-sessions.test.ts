import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { registerHttpFallback } from '../src/http-fallback/index.js';
import {
  disconnectFallbackClients,
  fallbackClient,
  parseLines,
  payloadAt,
  RawPollSession,
  transportInUse,
} from './http-fallback-helpers.js';
import {
  APP,
  disconnectAll,
  nextEvent,
  pusherClient,
  type RunningRelay,
  startRelay,
  subscribed,
  waitForState,
} from './helpers.js';

let running: RunningRelay;
/** The same relay core behind a second fallback mount with short timeouts, to see sessions expire. */
let shortLived: FastifyInstance;
let shortLivedPort: number;

beforeAll(async () => {
  running = await startRelay();
  shortLived = Fastify({ logger: false });
  await registerHttpFallback(shortLived, running.relay.core, { sessionTimeoutMs: 300, pollTimeoutMs: 100 });
  await shortLived.listen({ port: 0, host: '127.0.0.1' });
  const address = shortLived.server.address();
  shortLivedPort = typeof address === 'object' && address ? address.port : 0;
});
afterEach(() => {
  disconnectFallbackClients();
  disconnectAll();
});
afterAll(async () => {
  await shortLived.close();
  await running.close();
});

async function subscriptionCount(channel: string): Promise<number> {
  const response = await running.server.get({ path: `/channels/${channel}`, params: { info: 'subscription_count' } });
  const body = (await response.json()) as { occupied: boolean; subscription_count?: number };
  return body.occupied ? (body.subscription_count ?? 0) : 0;
}

/** Re-checks `condition` until it holds; the test's timeout is the safety net. */
async function eventually(condition: () => Promise<boolean>): Promise<void> {
  while (!(await condition())) await new Promise((resolve) => setTimeout(resolve, 50));
}

describe('HTTP fallback sessions', () => {
  it('opens with o, the connection_established frame, and answers ping with pong', async () => {
    const session = new RawPollSession(running.port);
    const lines = await session.poll();
    expect(lines.map((line) => line.type)).toEqual(['o', 'a']);
    const [established] = payloadAt<Array<{ event: string; data: { socket_id: string } }>>(lines, 1);
    expect(established?.event).toBe('pusher:connection_established');
    expect(established?.data.socket_id).toMatch(/^\d+\.\d+$/);
    expect((await session.send(JSON.stringify([JSON.stringify({ event: 'pusher:ping', data: {} })]))).status).toBe(204);
    expect((await session.frame((frame) => frame.event === 'pusher:pong')).event).toBe('pusher:pong');
  });

  it('refuses an unknown app key the way a websocket is refused: error frame, then close 4001', async () => {
    const lines = await new RawPollSession(running.port, 'no-such-key').poll();
    expect(lines.map((line) => line.type)).toEqual(['o', 'a', 'c']);
    const [error] = payloadAt<Array<{ event: string; data: { code: number } }>>(lines, 1);
    expect(error?.event).toBe('pusher:error');
    expect(error?.data.code).toBe(4001);
    expect(payloadAt<[number, string]>(lines, 2)[0]).toBe(4001);
  });

  it('answers a CORS preflight so browsers on another origin can post', async () => {
    const response = await fetch(`http://127.0.0.1:${running.port}/pusher/app/${APP.key}/1/abcdefgh/xhr_send`, {
      method: 'OPTIONS',
      headers: {
        origin: 'http://app.example',
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'content-type',
      },
    });
    expect(response.status).toBe(204);
    expect(response.headers.get('access-control-allow-origin')).toBe('http://app.example');
    expect(response.headers.get('access-control-allow-methods')).toContain('POST');
    expect(response.headers.get('access-control-allow-headers')).toBe('content-type');
  });

  it('refuses malformed xhr_send bodies with a clear error and keeps the session and every other one working', async () => {
    const bystander = fallbackClient('xhr_streaming', { httpPort: running.port, server: running.server });
    await subscribed(bystander, 'bystanders');
    const session = new RawPollSession(running.port);
    await session.poll();

    const refusals = [
      ['not json', 400, 'not valid JSON'],
      ['{"event":"pusher:ping"}', 400, 'JSON array'],
      ['[1, 2]', 400, 'element 0'],
      ['', 400, 'empty'],
      [JSON.stringify(['x'.repeat(70 * 1024)]), 413, 'larger than'],
    ] as const;
    for (const [body, status, problem] of refusals) {
      const response = await session.send(body);
      expect(response.status).toBe(status);
      const error = (await response.json()) as { code: string; message: string };
      expect(error.code).toBe(status === 413 ? 'INLOOP_PAYLOAD_TOO_LARGE' : 'INLOOP_HTTP_REQUEST_INVALID');
      expect(error.message).toContain(problem);
    }

    // A well-formed body with a bad frame inside reaches the core, which answers with pusher:error.
    expect((await session.send(JSON.stringify(['{not a frame']))).status).toBe(204);
    expect((await session.frame((frame) => frame.event === 'pusher:error')).event).toBe('pusher:error');

    // The same session still subscribes and receives; the bystander on its own session too.
    const subscribe = { event: 'pusher:subscribe', data: { channel: 'bystanders' } };
    expect((await session.send(JSON.stringify([JSON.stringify(subscribe)]))).status).toBe(204);
    await session.frame((frame) => frame.event === 'pusher_internal:subscription_succeeded');
    const bystanderReceived = nextEvent(bystander, 'bystanders', 'news');
    await running.server.trigger('bystanders', 'news', { still: 'serving' });
    const rawReceived = await session.frame((frame) => frame.event === 'news');
    expect(rawReceived.data).toEqual({ still: 'serving' });
    expect(await bystanderReceived).toEqual({ still: 'serving' });
  });

  it('answers xhr_send for an unknown session with 404', async () => {
    const response = await new RawPollSession(running.port).send('[]');
    expect(response.status).toBe(404);
    expect(((await response.json()) as { message: string }).message).toContain('no open HTTP session');
  });

  it('keeps a session alive while it polls, beyond the session timeout', async () => {
    const session = new RawPollSession(shortLivedPort);
    await session.poll();
    // Each empty poll is held for pollTimeoutMs and answered with a heartbeat.
    for (let polls = 0; polls < 6; polls++) expect((await session.poll()).map((line) => line.type)).toEqual(['h']);
    expect((await session.send(JSON.stringify([JSON.stringify({ event: 'pusher:ping' })]))).status).toBe(204);
    expect((await session.frame((frame) => frame.event === 'pusher:pong')).event).toBe('pusher:pong');
  });

  it('expires an idle session: its connection leaves its channels, presence members are removed', async () => {
    const channel = 'presence-expiry';
    const watcher = pusherClient(running, { presence: { user_id: 'watcher' } });
    const watcherChannel = await subscribed(watcher, channel);
    const removed = new Promise<{ id: string }>((resolve) => watcherChannel.bind('pusher:member_removed', resolve));
    const added = new Promise<{ id: string }>((resolve) => watcherChannel.bind('pusher:member_added', resolve));

    const leaving = fallbackClient('xhr_streaming', {
      httpPort: shortLivedPort,
      server: running.server,
      presence: { user_id: 'leaver' },
    });
    await subscribed(leaving, channel);
    expect(transportInUse(leaving)).toBe('xhr_streaming');
    expect((await added).id).toBe('leaver');
    expect(await subscriptionCount(channel)).toBe(2);

    // pusher-js just aborts its stream; only the session timeout tells the relay it is gone.
    leaving.disconnect();
    expect((await removed).id).toBe('leaver');
    await eventually(async () => (await subscriptionCount(channel)) === 1);
  });

  it('refuses to send on an expired session', async () => {
    const session = new RawPollSession(shortLivedPort);
    await session.poll();
    await eventually(async () => (await session.send('[]')).status === 404);
    // A new receive request with that id starts a new session.
    expect((await session.poll())[0]?.type).toBe('o');
  });

  it('answers an open receive request with close 4200 when the relay shuts down', async () => {
    const other = await startRelay();
    const stream = await new RawPollSession(other.port).stream();
    await other.close();
    const lines = await stream.text();
    expect(lines.map((line) => line.type)).toEqual(['o', 'a', 'c']);
    expect(payloadAt<[number, string]>(lines, 2)[0]).toBe(4200);
  });
});

describe('pusher-js long-polling against the short-lived mount', () => {
  it('stays connected over many heartbeat polls and still receives', async () => {
    const pusher = fallbackClient('xhr_polling', { httpPort: shortLivedPort, server: running.server });
    await waitForState(pusher, 'connected');
    const socketId = pusher.connection.socket_id;
    await subscribed(pusher, 'slow-news');
    // Several poll cycles of 100 ms pass with nothing to deliver; the 300 ms session timeout must not fire.
    const session = new RawPollSession(shortLivedPort);
    await session.poll();
    for (let polls = 0; polls < 5; polls++) await session.poll();
    const received = nextEvent(pusher, 'slow-news', 'late');
    await running.server.trigger('slow-news', 'late', { ok: 1 });
    expect(await received).toEqual({ ok: 1 });
    expect(pusher.connection.socket_id).toBe(socketId);
  });
});

describe('parseLines', () => {
  it('reads the framing pusher-js reads', () => {
    expect(parseLines('o\nh\nc[4200,"bye"]\n')).toEqual([
      { type: 'o', payload: undefined },
      { type: 'h', payload: undefined },
      { type: 'c', payload: [4200, 'bye'] },
    ]);
  });
});
