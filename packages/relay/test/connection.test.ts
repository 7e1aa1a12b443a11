import { connect, type Socket } from 'node:net';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { APP, RawClient, type RunningRelay, startRelay } from './helpers.js';

const relays: RunningRelay[] = [];
const clients: RawClient[] = [];

async function relay(overrides: Parameters<typeof startRelay>[0] = {}) {
  const running = await startRelay(overrides);
  relays.push(running);
  return running;
}

function raw(port: number, path?: string) {
  const client = RawClient.forRelay(port, path);
  clients.push(client);
  return client;
}

afterEach(() => {
  for (const client of clients.splice(0)) client.close();
});
afterAll(async () => {
  await Promise.all(relays.map((running) => running.close()));
});

describe('connection', () => {
  it('sends connection_established with a Pusher socket id and the activity timeout', async () => {
    const { port } = await relay({ activityTimeoutSeconds: 42 });
    const client = raw(port);
    const established = await client.event('pusher:connection_established');
    expect(established.data).toEqual({ socket_id: expect.stringMatching(/^\d+\.\d+$/), activity_timeout: 42 });
  });

  it('gives each connection its own socket id', async () => {
    const { port } = await relay();
    const ids = await Promise.all([raw(port).socketId(), raw(port).socketId(), raw(port).socketId()]);
    expect(new Set(ids).size).toBe(3);
  });

  it('answers a client ping with a pong', async () => {
    const { port } = await relay();
    const client = raw(port);
    await client.socketId();
    client.send({ event: 'pusher:ping', data: {} });
    await client.event('pusher:pong');
  });

  it('pings a silent client and keeps it when it answers', async () => {
    const { port } = await relay({ activityTimeoutSeconds: 1, pongTimeoutSeconds: 30 });
    const client = raw(port);
    await client.socketId();
    await client.event('pusher:ping');
    client.send({ event: 'pusher:pong', data: {} });
    client.frames.length = 0;
    await client.event('pusher:ping');
    expect(client.closeCode).toBeUndefined();
  });

  it('closes with 4201 when a client that spoke does not answer a ping', async () => {
    const { port } = await relay({ activityTimeoutSeconds: 1, pongTimeoutSeconds: 0.5 });
    const client = raw(port);
    await client.socketId();
    client.send({ event: 'pusher:ping', data: {} });
    await client.event('pusher:ping');
    expect(await client.closed()).toBe(4201);
  });

  it('closes with 4202 a client that never sent anything', async () => {
    const { port } = await relay({ activityTimeoutSeconds: 1, pongTimeoutSeconds: 0.5 });
    const client = raw(port);
    await client.socketId();
    expect(await client.closed()).toBe(4202);
  });

  it.each([
    ['an unknown app key', `/app/nope?protocol=7`, 4001],
    ['no protocol version', `/app/${APP.key}`, 4008],
    ['a protocol version that is not a number', `/app/${APP.key}?protocol=seven`, 4006],
    ['an unsupported protocol version', `/app/${APP.key}?protocol=5`, 4007],
    ['a path that is not /app/:key', `/socket?protocol=7`, 4005],
  ])('closes a connection to %s with %i', async (_what, path, code) => {
    const { port } = await relay();
    expect(await raw(port, path).closed()).toBe(code);
  });

  it('closes with 4003 when the app is disabled', async () => {
    const { port } = await relay({ apps: [{ ...APP, enabled: false }] });
    expect(await raw(port).closed()).toBe(4003);
  });

  it('closes with 4004 over the app connection quota, and admits again when a slot frees', async () => {
    const { port } = await relay({ apps: [{ ...APP, limits: { maxConnections: 1 } }] });
    const first = raw(port);
    await first.socketId();
    expect(await raw(port).closed()).toBe(4004);
    first.close();
    await first.closed();
    // The slot is freed once the relay saw the close; a later connection gets in.
    for (;;) {
      const next = raw(port);
      const outcome = await Promise.race([next.socketId().then(() => 'open'), next.closed().then(String)]);
      if (outcome === 'open') break;
      expect(outcome).toBe('4004');
    }
  });

  it('closes with 4100 over the relay capacity', async () => {
    const { port } = await relay({ maxConnections: 1 });
    await raw(port).socketId();
    expect(await raw(port).closed()).toBe(4100);
  });

  it('closes every connection with 4200 when the relay closes', async () => {
    const running = await startRelay();
    const client = raw(running.port);
    await client.socketId();
    await running.close();
    expect(await client.closed()).toBe(4200);
  });

  it('closes even while a client holds a TCP connection that never sent a request', async () => {
    const running = await startRelay();
    const idle: Socket = connect(running.port, '127.0.0.1').on('error', () => {});
    await new Promise((resolve) => idle.once('connect', resolve));
    const ended = new Promise((resolve) => idle.once('close', resolve));
    const client = raw(running.port);
    await client.socketId();
    await running.close();
    await ended;
    expect(await client.closed()).toBe(4200);
  });
});

describe('bad frames', () => {
  it.each([
    ['malformed JSON', '{"event":', 'not valid JSON'],
    ['a JSON value that is not an object', '[1,2,3]', 'must be a JSON object'],
    ['an unknown event', JSON.stringify({ event: 'pusher:teleport', data: {} }), 'unknown event'],
    ['a subscribe without a channel', JSON.stringify({ event: 'pusher:subscribe', data: {} }), 'data.channel'],
    [
      'an oversize frame',
      JSON.stringify({ event: 'client-x', channel: 'private-a', data: 'x'.repeat(20_000) }),
      'larger',
    ],
  ])('answers %s with pusher:error and keeps the connection', async (_what, frame, message) => {
    const { port } = await relay();
    const client = raw(port);
    await client.socketId();
    client.send(frame);
    const error = await client.event('pusher:error');
    expect((error.data as { message: string }).message).toContain(message);
    client.send({ event: 'pusher:subscribe', data: { channel: 'still-here' } });
    await client.event('pusher_internal:subscription_succeeded');
  });

  it('drops only the socket that sends a frame over the hard limit', async () => {
    const { port } = await relay();
    const bad = raw(port);
    const good = raw(port);
    await Promise.all([bad.socketId(), good.socketId()]);
    bad.send('x'.repeat(200_000));
    expect(await bad.closed()).toBe(1009);
    good.send({ event: 'pusher:ping', data: {} });
    await good.event('pusher:pong');
  });
});
