import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Pusher } from '../../../test/helpers/pusher-js.js';
import type { RelayCoreImpl } from '../src/relay-core.js';
import { APP, disconnectAll, pusherClient, type RunningRelay, startRelay, subscribed } from './helpers.js';

interface WebhookEventBody {
  name: string;
  channel: string;
  user_id?: string;
}

const events: WebhookEventBody[] = [];
let waiters: Array<() => void> = [];
const receiver = createServer((request, response) => {
  const chunks: Buffer[] = [];
  request.on('data', (chunk: Buffer) => chunks.push(chunk));
  request.on('end', () => {
    events.push(...(JSON.parse(Buffer.concat(chunks).toString('utf8')) as { events: WebhookEventBody[] }).events);
    for (const waiter of waiters.splice(0)) waiter();
    response.writeHead(200).end();
  });
});

async function until(condition: () => boolean): Promise<void> {
  while (!condition()) await new Promise<void>((resolve) => waiters.push(resolve));
}

let nodeA: RunningRelay;
let nodeB: RunningRelay;

beforeAll(async () => {
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/`;
  const prefix = `inloop-test-webhooks-${randomUUID()}`;
  const node = () =>
    startRelay({
      adapter: { driver: 'redis', prefix },
      apps: [{ ...APP, webhooks: [{ url }] }],
      webhookDelivery: { batchMilliseconds: 10 },
    });
  nodeA = await node();
  nodeB = await node();
});

afterAll(async () => {
  disconnectAll();
  await nodeA?.close();
  await nodeB?.close();
  waiters = [];
  receiver.closeAllConnections();
  await new Promise((resolve) => receiver.close(resolve));
});

/** Disconnects a client and waits until its node has let go of every connection it held. */
async function leave(client: Pusher, node: RunningRelay, remaining: number): Promise<void> {
  client.disconnect();
  // createRelay's core is a RelayCoreImpl (Relay types it as the narrower RelayCore), which tracks its connections.
  const core = node.relay.core as RelayCoreImpl;
  while (core.connections.size > remaining) await new Promise((resolve) => setTimeout(resolve, 10));
}

const flushBoth = () => Promise.all([nodeA.relay.webhooks.flush(), nodeB.relay.webhooks.flush()]);

describe('webhooks of a two-node cluster', () => {
  it('a channel is occupied once and vacated once, whichever node its subscribers are on', async () => {
    const onA = pusherClient(nodeA);
    const onB = pusherClient(nodeB);
    await subscribed(onA, 'shared');
    await subscribed(onB, 'shared');
    await leave(onA, nodeA, 0);
    await flushBoth();
    expect(events.filter((event) => event.channel === 'shared')).toEqual([
      { name: 'channel_occupied', channel: 'shared' },
    ]);
    await leave(onB, nodeB, 0);
    await until(() => events.some((event) => event.name === 'channel_vacated' && event.channel === 'shared'));
    await flushBoth();
    expect(events.filter((event) => event.channel === 'shared')).toEqual([
      { name: 'channel_occupied', channel: 'shared' },
      { name: 'channel_vacated', channel: 'shared' },
    ]);
  });

  it('a member is added once for all its connections across nodes, and removed when its last one leaves', async () => {
    const aliceOnA = pusherClient(nodeA, { presence: { user_id: 'alice' } });
    const aliceOnB = pusherClient(nodeB, { presence: { user_id: 'alice' } });
    const bobOnB = pusherClient(nodeB, { presence: { user_id: 'bob' } });
    await subscribed(aliceOnA, 'presence-team');
    await subscribed(aliceOnB, 'presence-team');
    await subscribed(bobOnB, 'presence-team');
    await leave(aliceOnA, nodeA, 0);
    await flushBoth();
    const team = () => events.filter((event) => event.channel === 'presence-team');
    // Each node sends its own requests: alice's join was seen on node A, bob's on node B.
    expect(team()).toHaveLength(3);
    expect(team()).toEqual(
      expect.arrayContaining([
        { name: 'channel_occupied', channel: 'presence-team' },
        { name: 'member_added', channel: 'presence-team', user_id: 'alice' },
        { name: 'member_added', channel: 'presence-team', user_id: 'bob' },
      ]),
    );
    await leave(aliceOnB, nodeB, 1);
    await leave(bobOnB, nodeB, 0);
    await until(() => team().some((event) => event.name === 'channel_vacated'));
    await flushBoth();
    expect(team().slice(3)).toEqual([
      { name: 'member_removed', channel: 'presence-team', user_id: 'alice' },
      { name: 'member_removed', channel: 'presence-team', user_id: 'bob' },
      { name: 'channel_vacated', channel: 'presence-team' },
    ]);
  });
});
