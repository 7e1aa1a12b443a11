import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Pusher } from '../../../test/helpers/pusher-js.js';
import { until } from './cluster/in-process.js';
import { memberEvent, memberIds } from './cluster/presence.js';
import { deleteKeys, uniquePrefix } from './cluster/redis-keys.js';
import { CliBundle, type RelayProcess } from './cluster/relay-process.js';
import { disconnectAll, pusherClient, subscribed } from './helpers.js';

const bundle = new CliBundle();
const prefix = uniquePrefix('cluster');
let nodes: RelayProcess[] = [];

beforeAll(async () => {
  await bundle.build();
  // Short heartbeats so that a dead node is noticed within a few seconds (long enough for a busy CI machine).
  nodes = await Promise.all([0, 1, 2].map(() => bundle.start({ prefix, heartbeatMs: 300, nodeExpiryMs: 3000 })));
});
afterEach(() => disconnectAll());
afterAll(async () => {
  for (const node of nodes) node.child.kill('SIGTERM');
  await Promise.all(nodes.map((node) => node.exited));
  bundle.cleanup();
  await deleteKeys(prefix);
});

async function apiUsers(node: RelayProcess, channel: string): Promise<string[]> {
  const response = await node.server.get({ path: `/channels/${channel}/users` });
  return ((await response.json()) as { users: Array<{ id: string }> }).users.map((user) => user.id).sort();
}

/** One pusher-js client per node, each a presence member `user-<node>` of `channel`. */
async function membersOnEveryNode(channel: string): Promise<Pusher[]> {
  const clients = nodes.map((node, index) =>
    pusherClient(node.running, { presence: { user_id: `user-${index}`, user_info: { node: index } } }),
  );
  for (const client of clients) await subscribed(client, channel);
  await until(() => clients.every((client) => memberIds(client, channel).length === 3));
  return clients;
}

describe('three relay processes sharing one Redis', () => {
  it('delivers triggers through any node to pusher-js clients on every node, with presence across nodes', async () => {
    const clients = await membersOnEveryNode('presence-team');
    for (const node of nodes) expect(await apiUsers(node, 'presence-team')).toEqual(['user-0', 'user-1', 'user-2']);

    const received = clients.map(() => [] as number[]);
    clients.forEach((client, index) => {
      client.channel('presence-team').bind('step', (data: { from: number }) => received[index]?.push(data.from));
    });
    for (const [index, node] of nodes.entries()) await node.server.trigger('presence-team', 'step', { from: index });
    await until(() => received.every((got) => got.length >= 3));
    // A last event: a duplicate of any earlier one would have arrived before it.
    const done = clients.map(
      (client) => new Promise((resolve) => client.channel('presence-team').bind('done', resolve)),
    );
    await (nodes[0] as RelayProcess).server.trigger('presence-team', 'done', {});
    await Promise.all(done);
    for (const got of received) expect(got.sort()).toEqual([0, 1, 2]);
  });

  it("removes a SIGKILLed node's members from everyone else's lists", async () => {
    const [first, second, doomed] = (await membersOnEveryNode('presence-crew')) as [Pusher, Pusher, Pusher];
    const removedSeen = [first, second].map((client) =>
      memberEvent(client, 'presence-crew', 'member_removed', 'user-2'),
    );
    // No goodbye: the node dies with its client still subscribed; only the heartbeats can tell.
    const victim = nodes.pop() as RelayProcess;
    expect(await victim.kill('SIGKILL')).toBe(null);
    doomed.disconnect();
    await Promise.all(removedSeen);

    expect(memberIds(first, 'presence-crew')).toEqual(['user-0', 'user-1']);
    expect(memberIds(second, 'presence-crew')).toEqual(['user-0', 'user-1']);
    expect(await apiUsers(nodes[0] as RelayProcess, 'presence-crew')).toEqual(['user-0', 'user-1']);
    const channel = await (nodes[1] as RelayProcess).server.get({
      path: '/channels/presence-crew',
      params: { info: 'user_count,subscription_count' },
    });
    expect(await channel.json()).toEqual({ occupied: true, user_count: 2, subscription_count: 2 });
  });
});
