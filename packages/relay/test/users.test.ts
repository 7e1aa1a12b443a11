import { signUserAuthentication } from '@inloop/protocol/signing';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { APP, disconnectAll, pusherClient, RawClient, type RunningRelay, startRelay } from './helpers.js';

let running: RunningRelay;
beforeAll(async () => {
  running = await startRelay();
});
afterEach(() => disconnectAll());
afterAll(() => running.close());

function signedIn(client: ReturnType<typeof pusherClient>) {
  return new Promise<void>((resolve, reject) => {
    client.user.bind('pusher:signin_error', (error: unknown) => reject(new Error(JSON.stringify(error))));
    client.signin();
    client.user.signinDonePromise?.then(() => resolve());
  });
}

async function userChannelSubscribed(client: ReturnType<typeof pusherClient>) {
  const channel = client.user.serverToUserChannel;
  if (!channel) throw new Error('pusher-js made no server-to-user channel after sign-in');
  if (!channel.subscribed) await new Promise((resolve) => channel.bind('pusher:subscription_succeeded', resolve));
}

describe('user sign-in and server-to-user messages', () => {
  it('signs in with auth from the official pusher library and receives sendToUser events', async () => {
    const client = pusherClient(running, { user: { id: 'user-1', name: 'Ann' } });
    await signedIn(client);
    expect(client.user.user_data).toMatchObject({ id: 'user-1' });
    // pusher-js subscribes to #server-to-user-<id> after sign-in; wait until the relay has that subscription.
    await userChannelSubscribed(client);
    const received = new Promise<unknown>((resolve) => client.user.bind('notice', resolve));
    await running.server.sendToUser('user-1', 'notice', { text: 'hello' });
    expect(await received).toEqual({ text: 'hello' });
  });

  it('refuses a sign-in with a bad signature with pusher:error 4009', async () => {
    const raw = RawClient.forRelay(running.port);
    try {
      await raw.socketId();
      const { user_data } = signUserAuthentication(APP, '1.1', JSON.stringify({ id: 'mallory' }));
      raw.send({ event: 'pusher:signin', data: { auth: 'key-1:0000', user_data } });
      expect((await raw.event('pusher:error')).data).toMatchObject({ code: 4009 });
      raw.send({ event: 'pusher:subscribe', data: { channel: '#server-to-user-mallory' } });
      expect(await raw.event('pusher:subscription_error')).toMatchObject({ data: { status: 403 } });
    } finally {
      raw.close();
    }
  });

  it('terminates every connection of a user, and only those', async () => {
    const first = pusherClient(running, { user: { id: 'user-2' } });
    const second = pusherClient(running, { user: { id: 'user-2' } });
    const bystander = pusherClient(running, { user: { id: 'user-3' } });
    await Promise.all([signedIn(first), signedIn(second), signedIn(bystander)]);
    await userChannelSubscribed(bystander);
    const bystanderSocketId = bystander.connection.socket_id;
    const closedWith = (client: typeof first) =>
      new Promise<number>((resolve) => {
        const socket = (client.connection as unknown as { connection: { transport: { socket: WebSocket } } }).connection
          .transport.socket;
        socket.addEventListener('close', (event) => resolve(event.code));
      });
    const firstClosed = closedWith(first);
    const secondClosed = closedWith(second);
    await running.server.terminateUserConnections('user-2');
    expect(await firstClosed).toBe(4009);
    expect(await secondClosed).toBe(4009);
    // The bystander's same connection still gets its messages.
    const received = new Promise<unknown>((resolve) => bystander.user.bind('still-here', resolve));
    await running.server.sendToUser('user-3', 'still-here', { ok: true });
    expect(await received).toEqual({ ok: true });
    expect(bystander.connection.socket_id).toBe(bystanderSocketId);
  });
});
