import Echo from 'laravel-echo';
import Pusher from 'pusher-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningRelay, startRelay } from './helpers.js';

let running: RunningRelay;
let echo: Echo<'pusher'>;

beforeAll(async () => {
  running = await startRelay();
  const { server } = running;
  echo = new Echo({
    broadcaster: 'pusher',
    key: running.relay.config.apps[0]!.key,
    cluster: 'x',
    wsHost: '127.0.0.1',
    wsPort: running.port,
    forceTLS: false,
    enabledTransports: ['ws'],
    disableStats: true,
    Pusher,
    channelAuthorization: {
      endpoint: '/unused',
      transport: 'ajax',
      customHandler: (
        { socketId, channelName }: { socketId: string; channelName: string },
        callback: (error: Error | null, data: unknown) => void,
      ) => callback(null, server.authorizeChannel(socketId, channelName, { user_id: 'echo-user', user_info: {} })),
    },
  } as never);
});

afterAll(async () => {
  echo.disconnect();
  await running.close();
});

function subscribedChannel(name: string): Promise<void> {
  const pusher = echo.connector.pusher;
  const channel = pusher.channel(name);
  if (channel?.subscribed) return Promise.resolve();
  return new Promise((resolve) => pusher.channel(name)?.bind('pusher:subscription_succeeded', () => resolve()));
}

describe('laravel-echo with the pusher connector', () => {
  it('receives an event on a private channel and sees itself on a presence channel', async () => {
    const received = new Promise<unknown>((resolve) => echo.private('orders.1').listen('.OrderShipped', resolve));
    console.log('a');
    await subscribedChannel('private-orders.1');
    console.log('b');
    await running.server.trigger('private-orders.1', 'OrderShipped', { order: 1 });
    expect(await received).toEqual({ order: 1 });

    const members = new Promise<Array<{ id: string }>>((resolve) =>
      echo.join('room.1').here((here: Array<{ id: string }>) => resolve(here)),
    );
    expect((await members).map((member) => member.id)).toEqual(['echo-user']);
  });
});
