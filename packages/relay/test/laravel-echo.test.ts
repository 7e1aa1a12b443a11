import Echo from 'laravel-echo';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Pusher } from '../../../test/helpers/pusher-js.js';
import { pusherClient, type RunningRelay, startRelay } from './helpers.js';

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
      // As Laravel's broadcaster does: presence channels carry the member, private ones only the signature.
      customHandler: (
        { socketId, channelName }: { socketId: string; channelName: string },
        callback: (error: Error | null, data: unknown) => void,
      ) => {
        const member = channelName.startsWith('presence-') ? { user_id: 'echo-user', user_info: {} } : undefined;
        callback(null, server.authorizeChannel(socketId, channelName, member));
      },
    },
  } as never);
});

afterAll(async () => {
  echo.disconnect();
  await running.close();
});

function subscribedChannel(name: string): Promise<void> {
  const channel = echo.connector.pusher.channel(name);
  if (!channel) throw new Error(`echo has no channel ${name}`);
  if (channel.subscribed) return Promise.resolve();
  return new Promise((resolve, reject) => {
    channel.bind('pusher:subscription_succeeded', () => resolve());
    channel.bind('pusher:subscription_error', (error: unknown) => reject(new Error(JSON.stringify(error))));
  });
}

describe('laravel-echo with the pusher connector', () => {
  it('receives an event on a private channel', async () => {
    const received = new Promise<unknown>((resolve) => echo.private('orders.1').listen('.OrderShipped', resolve));
    await subscribedChannel('private-orders.1');
    await running.server.trigger('private-orders.1', 'OrderShipped', { order: 1 });
    expect(await received).toEqual({ order: 1 });
  });

  it('sees itself and another member join and leave a presence channel', async () => {
    const joined: string[] = [];
    const left: string[] = [];
    const here = new Promise<Array<{ id?: string }>>((resolve) => {
      echo
        .join('room.1')
        .here(resolve)
        .joining((member: { name: string }) => joined.push(member.name))
        .leaving((member: { name: string }) => left.push(member.name));
    });
    expect(await here).toEqual([{}]);

    const other = pusherClient(running, { presence: { user_id: 'other', user_info: { name: 'Other' } } });
    other.subscribe('presence-room.1');
    await expect.poll(() => joined, { timeout: 20_000 }).toEqual(['Other']);
    other.disconnect();
    await expect.poll(() => left, { timeout: 20_000 }).toEqual(['Other']);
  });
});
