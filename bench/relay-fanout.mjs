// `npm run bench -- relay-fanout`: one channel, 2,000 websocket subscribers held by a separate
// process, events triggered over HTTP in a burst and at a steady pace, for three servers
// interleaved in one run: @inloop/relay, a bare `ws` broadcast (the limit) and a socket.io room
// (the usual peer). Prints deliveries/s, trigger-to-receive latency and the server's CPU time per
// delivery (process.cpuUsage over the measured window), then the relay's ratios to the others.
import { Agent } from 'node:http';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import Pusher from 'pusher';
import { buildRelayBundle } from './relay-fanout/build-relay.mjs';
import { ask, burst, forkChild, markStopping, paced, summarize } from './relay-fanout/harness.mjs';
import { APP, CHANNEL, EVENT, nowMs, pusherFrame } from './relay-fanout/shared.mjs';

const here = join(dirname(fileURLToPath(import.meta.url)), 'relay-fanout');
// Options for exploring (the defaults are the benchmark): --subscribers N --rounds N
// --servers relay,ws,socketio --profile DIR (a V8 CPU profile of each server process, for optimising).
const { values: options } = parseArgs({
  options: {
    subscribers: { type: 'string', default: '2000' },
    rounds: { type: 'string', default: '3' },
    servers: { type: 'string', default: 'relay,ws,socketio' },
    profile: { type: 'string' },
  },
});
const SUBSCRIBERS = Number(options.subscribers);
const ROUNDS = Number(options.rounds);
const KINDS = options.servers.split(',');
const PROFILE_DIR = options.profile;
const BURST_EVENTS = 60;
const BURST_CONCURRENCY = 4;
const PACED_PER_SECOND = 5;
const PACED_SECONDS = 4;
const LABEL = { relay: '@inloop/relay', ws: 'bare ws', socketio: 'socket.io room' };

function cpuMicros(usage) {
  return usage.user + usage.system;
}

function triggerFor(kind, port) {
  const agent = new Agent({ keepAlive: true, maxSockets: BURST_CONCURRENCY });
  if (kind === 'relay') {
    const pusher = new Pusher({ ...APP, appId: APP.id, host: '127.0.0.1', port: String(port), useTLS: false, agent });
    return (data) => pusher.trigger(CHANNEL, EVENT, data);
  }
  const url = `http://127.0.0.1:${port}/publish`;
  return async (data) => {
    const body = kind === 'ws' ? pusherFrame(data) : data;
    const response = await fetch(url, { method: 'POST', body, headers: { 'content-type': 'text/plain' } });
    if (!response.ok) throw new Error(`publish answered ${response.status}`);
    await response.arrayBuffer();
  };
}

/** One measured phase against one server: its deliveries, window and server CPU. */
async function phase(setup, shape, events) {
  globalThis.gc?.();
  const expected = events * SUBSCRIBERS;
  const cpuBefore = cpuMicros((await ask(setup.server, 'cpu')).usage);
  const done = setup.subscribers.next('done');
  setup.subscribers.send({ type: 'phase', expected, timeoutMs: 60_000 });
  const start = nowMs();
  if (shape === 'burst') await burst(setup.trigger, events, BURST_CONCURRENCY);
  else await paced(setup.trigger, events, PACED_PER_SECOND);
  const result = await done;
  const cpuAfter = cpuMicros((await ask(setup.server, 'cpu')).usage);
  if (result.received < expected) {
    console.warn(`  ${LABEL[setup.kind]} ${shape}: only ${result.received} of ${expected} deliveries arrived`);
  }
  return {
    deliveries: result.received,
    windowMs: result.lastAt - start,
    cpuMicros: cpuAfter - cpuBefore,
    quantiles: result.quantiles,
  };
}

async function start(kind, relayBundle) {
  const profile = PROFILE_DIR
    ? ['--cpu-prof', `--cpu-prof-dir=${PROFILE_DIR}`, `--cpu-prof-name=${kind}.cpuprofile`]
    : [];
  const server = forkChild(join(here, 'servers.mjs'), kind === 'relay' ? [kind, relayBundle] : [kind], profile);
  const { port } = await server.next('ready');
  const subscribers = forkChild(join(here, 'subscribers.mjs'), [kind, String(port), String(SUBSCRIBERS)]);
  await subscribers.next('ready');
  return { kind, server, subscribers, trigger: triggerFor(kind, port) };
}

const began = performance.now();
console.log(
  `relay-fanout: ${SUBSCRIBERS} subscribers on one channel; per round and server a burst of ${BURST_EVENTS} events ` +
    `(${BURST_CONCURRENCY} HTTP triggers in flight) and ${PACED_PER_SECOND} events/s for ${PACED_SECONDS} s; ${ROUNDS} rounds, interleaved`,
);
const relayBundle = await buildRelayBundle();
const setups = [];
for (const kind of KINDS) setups.push(await start(kind, relayBundle));
console.log(
  `  ${setups.length} servers up, ${SUBSCRIBERS} subscribers each (${((performance.now() - began) / 1000).toFixed(1)} s)`,
);

for (const setup of setups) await phase(setup, 'burst', 20); // warm-up, not counted

const results = new Map(KINDS.map((kind) => [kind, []]));
for (let round = 0; round < ROUNDS; round++) {
  // Rotate the order so that no server always runs right after the same neighbour.
  const order = KINDS.map((_, index) => setups[(index + round) % setups.length]);
  for (const setup of order) {
    results.get(setup.kind).push({ shape: 'burst', ...(await phase(setup, 'burst', BURST_EVENTS)) });
    results
      .get(setup.kind)
      .push({ shape: 'paced', ...(await phase(setup, 'paced', PACED_PER_SECOND * PACED_SECONDS)) });
  }
  console.log(`  round ${round + 1}/${ROUNDS} done (${((performance.now() - began) / 1000).toFixed(1)} s)`);
}

const summary = Object.fromEntries(KINDS.map((kind) => [kind, summarize(results.get(kind))]));
const ms = (value) => `${value.toFixed(2)} ms`;
const rows = KINDS.map((kind) => {
  const s = summary[kind];
  return {
    server: LABEL[kind],
    'deliveries/s (burst)': Math.round(s.deliveriesPerSecond).toLocaleString('en-US'),
    'burst p50': ms(s.burstP50),
    'burst p99': ms(s.burstP99),
    'paced p50': ms(s.pacedP50),
    'paced p99': ms(s.pacedP99),
    'CPU µs/delivery (burst)': s.burstCpuPerDelivery.toFixed(3),
    'CPU µs/delivery (paced)': s.pacedCpuPerDelivery.toFixed(3),
    'CPU µs/delivery (all)': s.cpuPerDelivery.toFixed(3),
  };
});
console.table(rows);

const relay = summary.relay;
const ratio = (a, b) => (a / b).toFixed(2);
for (const [kind, name] of [
  ['ws', 'relay/ws'],
  ['socketio', 'relay/socket.io'],
]) {
  const peer = summary[kind];
  if (!relay || !peer) continue;
  console.log(
    `${name}: CPU per delivery ${ratio(relay.cpuPerDelivery, peer.cpuPerDelivery)}×, ` +
      `deliveries/s ${ratio(relay.deliveriesPerSecond, peer.deliveriesPerSecond)}×, ` +
      `paced p99 ${ratio(relay.pacedP99, peer.pacedP99)}×, burst p99 ${ratio(relay.burstP99, peer.burstP99)}×`,
  );
}
const targets =
  !summary.relay || !summary.ws || !summary.socketio
    ? []
    : [
        ['CPU per delivery ≤ 1.2× bare ws', relay.cpuPerDelivery <= 1.2 * summary.ws.cpuPerDelivery],
        ['CPU per delivery below socket.io', relay.cpuPerDelivery < summary.socketio.cpuPerDelivery],
        ['paced p99 no worse than socket.io', relay.pacedP99 <= summary.socketio.pacedP99],
      ];
for (const [name, met] of targets) console.log(`target ${met ? 'met' : 'MISSED'}: ${name}`);
console.log(`total ${((performance.now() - began) / 1000).toFixed(1)} s`);

markStopping();
for (const setup of setups) {
  setup.subscribers.send({ type: 'exit' });
  setup.server.send({ type: 'exit' });
}
