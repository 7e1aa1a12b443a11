// `npm run bench -- relay-cluster`: the relay-fanout benchmark over two relay nodes sharing Redis,
// subscribers split between them, against one node (local adapter) in the same run. Subscribers
// are raw Pusher websocket clients on one channel, held by separate processes; events are
// triggered over the HTTP API (alternating between the nodes in the cluster) in bursts and at a
// steady pace. Prints deliveries/s, trigger-to-receive latency and relay CPU per delivery, then
// the cluster's ratios to the single node. On a 2-core machine the cluster cannot scale up: the
// figure shows what Redis fan-out costs, not what extra machines would gain.
import { randomBytes } from 'node:crypto';
import { Agent } from 'node:http';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { Redis } from 'ioredis';
import Pusher from 'pusher';
import { buildRelayBundle } from './relay-fanout/build-relay.mjs';
import { ask, burst, forkChild, markStopping, paced, summarize } from './relay-fanout/harness.mjs';
import { APP, CHANNEL, EVENT, nowMs } from './relay-fanout/shared.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const { values: options } = parseArgs({
  options: {
    subscribers: { type: 'string', default: '2000' },
    rounds: { type: 'string', default: '2' },
  },
});
const SUBSCRIBERS = Number(options.subscribers);
const ROUNDS = Number(options.rounds);
const BURST_EVENTS = 100;
const BURST_CONCURRENCY = 4;
const PACED_PER_SECOND = 10;
const PACED_SECONDS = 3;
const PREFIX = `inloop-bench:cluster:${randomBytes(4).toString('hex')}`;

async function cpuMicros(nodes) {
  const usages = await Promise.all(nodes.map((node) => ask(node, 'cpu')));
  return usages.reduce((total, { usage }) => total + usage.user + usage.system, 0);
}

/** `nodeCount` relay processes with the `mode` adapter, `SUBSCRIBERS` split evenly between them. */
async function start(name, nodeCount, mode, bundle) {
  const nodes = [];
  const ports = [];
  for (let index = 0; index < nodeCount; index++) {
    const node = forkChild(join(here, 'relay-cluster', 'node.mjs'), [bundle, mode, `${PREFIX}:${mode}`]);
    ports.push((await node.next('ready')).port);
    nodes.push(node);
  }
  const subscribers = [];
  for (const [index, port] of ports.entries()) {
    const count = Math.floor(SUBSCRIBERS / nodeCount) + (index < SUBSCRIBERS % nodeCount ? 1 : 0);
    const holder = forkChild(join(here, 'relay-fanout', 'subscribers.mjs'), ['relay', String(port), String(count)]);
    await holder.next('ready');
    subscribers.push({ holder, count });
  }
  const agent = new Agent({ keepAlive: true, maxSockets: BURST_CONCURRENCY });
  const triggers = ports.map((port) => {
    const pusher = new Pusher({ ...APP, appId: APP.id, host: '127.0.0.1', port: String(port), useTLS: false, agent });
    return (data) => pusher.trigger(CHANNEL, EVENT, data);
  });
  let turn = 0;
  return { name, nodes, subscribers, trigger: (data) => triggers[turn++ % triggers.length](data) };
}

async function phase(setup, shape, events) {
  const cpuBefore = await cpuMicros(setup.nodes);
  const done = setup.subscribers.map(({ holder, count }) => {
    const finished = holder.next('done');
    holder.send({ type: 'phase', expected: events * count, timeoutMs: 60_000 });
    return finished;
  });
  const start = nowMs();
  if (shape === 'burst') await burst(setup.trigger, events, BURST_CONCURRENCY);
  else await paced(setup.trigger, events, PACED_PER_SECOND);
  const results = await Promise.all(done);
  const cpuAfter = await cpuMicros(setup.nodes);
  const deliveries = results.reduce((total, result) => total + result.received, 0);
  if (deliveries < events * SUBSCRIBERS) {
    console.warn(`  ${setup.name} ${shape}: only ${deliveries} of ${events * SUBSCRIBERS} deliveries arrived`);
  }
  return {
    shape,
    deliveries,
    windowMs: Math.max(...results.map((result) => result.lastAt)) - start,
    cpuMicros: cpuAfter - cpuBefore,
    quantiles: results.flatMap((result) => result.quantiles),
  };
}

const began = performance.now();
const elapsed = () => `${((performance.now() - began) / 1000).toFixed(1)} s`;
console.log(
  `relay-cluster: ${SUBSCRIBERS} subscribers on one channel, on 1 relay node vs 2 nodes sharing Redis ` +
    `(subscribers split, triggers alternating); per round a burst of ${BURST_EVENTS} events ` +
    `(${BURST_CONCURRENCY} in flight) and ${PACED_PER_SECOND} events/s for ${PACED_SECONDS} s; ${ROUNDS} rounds, interleaved`,
);
const bundle = await buildRelayBundle();
// The middle one separates the cost of publishing through Redis from the effect of a second node.
const setups = [
  await start('1 node (local)', 1, 'local', bundle),
  await start('1 node (redis)', 1, 'redis-solo', bundle),
  await start('2 nodes (redis)', 2, 'redis', bundle),
];
console.log(`  nodes and subscribers up (${elapsed()})`);
for (const setup of setups) await phase(setup, 'burst', 20); // warm-up, not counted

const results = new Map(setups.map((setup) => [setup.name, []]));
for (let round = 0; round < ROUNDS; round++) {
  const order = setups.map((_, index) => setups[(index + round) % setups.length]);
  for (const setup of order) {
    results.get(setup.name).push(await phase(setup, 'burst', BURST_EVENTS));
    results.get(setup.name).push(await phase(setup, 'paced', PACED_PER_SECOND * PACED_SECONDS));
  }
  console.log(`  round ${round + 1}/${ROUNDS} done (${elapsed()})`);
}

const ms = (value) => `${value.toFixed(2)} ms`;
const summary = Object.fromEntries(setups.map((setup) => [setup.name, summarize(results.get(setup.name))]));
console.table(
  Object.entries(summary).map(([name, s]) => ({
    setup: name,
    'deliveries/s (burst)': Math.round(s.deliveriesPerSecond).toLocaleString('en-US'),
    'burst p50': ms(s.burstP50),
    'burst p99': ms(s.burstP99),
    'paced p50': ms(s.pacedP50),
    'paced p99': ms(s.pacedP99),
    'relay CPU µs/delivery': s.cpuPerDelivery.toFixed(3),
  })),
);
const [single, solo, cluster] = setups.map((setup) => summary[setup.name]);
const ratio = (a, b) => (a / b).toFixed(2);
for (const [label, setup] of [
  ['2 nodes (redis) / 1 node (local)', cluster],
  ['1 node (redis) / 1 node (local)', solo],
]) {
  console.log(
    `${label}: deliveries/s ${ratio(setup.deliveriesPerSecond, single.deliveriesPerSecond)}×, ` +
      `relay CPU per delivery ${ratio(setup.cpuPerDelivery, single.cpuPerDelivery)}×, ` +
      `paced p50 ${ratio(setup.pacedP50, single.pacedP50)}×, paced p99 ${ratio(setup.pacedP99, single.pacedP99)}×`,
  );
}
console.log(`total ${elapsed()}`);

markStopping();
for (const setup of setups) {
  for (const { holder } of setup.subscribers) holder.send({ type: 'exit' });
  for (const node of setup.nodes) node.send({ type: 'exit' });
}
// The nodes leave the cluster on exit; remove whatever is left under the benchmark's prefix.
await new Promise((resolve) => setTimeout(resolve, 500));
const redis = new Redis('redis://127.0.0.1:6379');
const keys = await redis.keys(`${PREFIX}:*`);
if (keys.length > 0) await redis.del(...keys);
redis.disconnect();
