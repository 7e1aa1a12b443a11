import { signChannelAuthorization } from '@inloop/protocol/signing';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
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

let enabled: RunningRelay;
let disabled: RunningRelay;
const raws: RawClient[] = [];

beforeAll(async () => {
  enabled = await startRelay({
    apps: [{ ...APP, enableClientMessages: true, limits: { maxClientEventsPerSecond: 3 } }],
  });
  disabled = await startRelay({ apps: [{ ...APP, enableClientMessages: false }] });
});
afterEach(() => {
  disconnectAll();
  for (const raw of raws.splice(0)) raw.close();
});
afterAll(async () => {
  await enabled.close();
  await disabled.close();
});

async function rawSubscribed(running: RunningRelay, channel: string, channelData?: string) {
  const raw = RawClient.forRelay(running.port);
  raws.push(raw);
  const socketId = await raw.socketId();
  const data: Record<string, string> = { channel };
  if (channel.startsWith('private-') || channel.startsWith('presence-')) {
    Object.assign(data, signChannelAuthorization(APP, socketId, channel, channelData));
  }
  raw.send({ event: 'pusher:subscribe', data });
  await raw.frame((f) => f.event === 'pusher_internal:subscription_succeeded' && f.channel === channel);
  return raw;
}

describe('client events', () => {
  it('relays a client event to the other subscribers of a private channel, not back to the sender', async () => {
    const sender = pusherClient(enabled);
    const receiver = pusherClient(enabled);
    const senderChannel = await subscribed(sender, 'private-chat');
    await subscribed(receiver, 'private-chat');
    const echoed: unknown[] = [];
    senderChannel.bind('client-typing', (data: unknown) => echoed.push(data));
    const received = nextEvent(receiver, 'private-chat', 'client-typing');
    expect(senderChannel.trigger('client-typing', { who: 'sender' })).toBe(true);
    expect(await received).toEqual({ who: 'sender' });
    // The sender gets the receiver's reply, so by then it would have seen its own event if echoed.
    const reply = nextEvent(sender, 'private-chat', 'client-reply');
    receiver.channel('private-chat').trigger('client-reply', { ok: true });
    expect(await reply).toEqual({ ok: true });
    expect(echoed).toEqual([]);
  });

  it('adds the sender user_id on presence channels', async () => {
    const sender = await rawSubscribed(enabled, 'presence-team', JSON.stringify({ user_id: 'u1' }));
    const receiver = await rawSubscribed(enabled, 'presence-team', JSON.stringify({ user_id: 'u2' }));
    sender.send({ event: 'client-wave', channel: 'presence-team', data: { hi: 1 } });
    const event = await receiver.event('client-wave');
    expect(event).toMatchObject({ channel: 'presence-team', data: { hi: 1 }, user_id: 'u1' });
  });

  it('refuses client events on public and private-encrypted channels and on unsubscribed channels', async () => {
    const client = await rawSubscribed(enabled, 'public-room');
    client.send({ event: 'client-x', channel: 'public-room', data: {} });
    expect(((await client.event('pusher:error')).data as { message: string }).message).toContain('public');
    client.frames.length = 0;
    const encrypted = await rawSubscribed(enabled, 'private-encrypted-box');
    encrypted.send({ event: 'client-x', channel: 'private-encrypted-box', data: {} });
    expect(((await encrypted.event('pusher:error')).data as { message: string }).message).toContain(
      'private-encrypted',
    );
    client.send({ event: 'client-x', channel: 'private-not-mine', data: {} });
    expect(((await client.event('pusher:error')).data as { message: string }).message).toContain('subscribe to');
  });

  it('refuses client events when the app has not enabled them', async () => {
    const sender = await rawSubscribed(disabled, 'private-off');
    const receiver = await rawSubscribed(disabled, 'private-off');
    sender.send({ event: 'client-x', channel: 'private-off', data: {} });
    const error = await sender.event('pusher:error');
    expect((error.data as { message: string }).message).toContain('not enabled');
    // The receiver gets a later server event but never the refused client event.
    await disabled.server.trigger('private-off', 'server-event', {});
    await receiver.event('server-event');
    expect(receiver.frames.some((f) => f.event === 'client-x')).toBe(false);
  });

  it('rate-limits client events per connection with error 4301, keeping the connection', async () => {
    const sender = await rawSubscribed(enabled, 'private-flood');
    const receiver = await rawSubscribed(enabled, 'private-flood');
    for (let i = 0; i < 10; i++) sender.send({ event: 'client-n', channel: 'private-flood', data: { i } });
    const error = await sender.event('pusher:error');
    expect(error.data).toMatchObject({ code: 4301 });
    await receiver.event('client-n');
    sender.send({ event: 'pusher:ping', data: {} });
    await sender.event('pusher:pong');
    // Never more than the burst of 3 arrive out of the 10 sent at once.
    await enabled.server.trigger('private-flood', 'marker', {});
    await receiver.event('marker');
    expect(receiver.frames.filter((f) => f.event === 'client-n').length).toBeLessThanOrEqual(3);
  });
});
