// `npm run bench -- relay-memory [--connections N] [--rounds N]`: memory per idle websocket
// connection of the relay beside a bare `ws` server holding the same connections, in one run.
//
// Each server runs in its own process; the clients (plain `ws` sockets on 127.0.0.1) in another.
// Per server and round: open and close 100 connections (warm-up), GC and read the server's
// memory, open N connections (the relay's handshake completes with pusher:connection_established),
// GC and read again; the difference divided by N is the cost of one idle connection. Rounds
// alternate between the servers; the medians are compared.
import { fork } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:http';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { buildRelayBundle } from './relay-fanout/build-relay.mjs';

const SELF = fileURLToPath(import.meta.url);
const APP = { id: 'memory', key: 'memory-key', secret: 'memory-secret' };
const PATH = `/app/${APP.key}?protocol=7&client=bench&version=1`;
const OPEN_AT_ONCE = 200;
const WARM_UP_CONNECTIONS = 100;

const role = process.argv[2];
if (role === '--server') await serve(process.argv[3], process.argv[4]);
else if (role === '--clients') await holdClients(Number(process.argv[3]), Number(process.argv[4]));
else await main();

// ---- the server process -------------------------------------------------------------------

async function serve(kind, relayBundle) {
  const port = kind === 'relay' ? await startRelay(relayBundle) : await startBareWs();
  process.on('message', (message) => {
    if (message.type !== 'memory') return;
    for (let i = 0; i < 3; i++) globalThis.gc();
    const { rss, heapUsed, external } = process.memoryUsage();
    process.send({ type: 'memory', rss, heapUsed, external });
  });
  process.send({ type: 'ready', port });
}

async function startRelay(relayBundle) {
  const { createRelay } = await import(relayBundle);
  const relay = await createRelay({ logger: false, apps: [APP], activityTimeoutSeconds: 600 });
  return (await relay.listen({ port: 0, host: '127.0.0.1' })).port;
}

/** The floor: a `ws` server that accepts the same path and keeps each socket, doing nothing else. */
async function startBareWs() {
  const { WebSocketServer } = await import('ws');
  const server = createServer();
  const wss = new WebSocketServer({ server, perMessageDeflate: false });
  wss.on('connection', (ws) => ws.on('error', () => {}));
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return server.address().port;
}

// ---- the client process -------------------------------------------------------------------

async function holdClients(port, count) {
  const { default: WebSocket } = await import('ws');
  const sockets = [];
  const openOne = () =>
    new Promise((resolve, reject) => {
      const ws = new WebSocket(`ws://127.0.0.1:${port}${PATH}`, { perMessageDeflate: false });
      sockets.push(ws);
      ws.once('error', reject);
      // The relay is ready for a connection once it sent connection_established; bare ws once open.
      ws.once('message', () => resolve());
      ws.once('open', () => {
        if (process.argv[5] === 'ws') resolve();
      });
      ws.once('close', (code) => reject(new Error(`closed with ${code} while opening`)));
    });
  for (let opened = 0; opened < count; opened += OPEN_AT_ONCE) {
    await Promise.all(Array.from({ length: Math.min(OPEN_AT_ONCE, count - opened) }, openOne));
  }
  process.send({ type: 'held', count: sockets.length });
  await once(process, 'message');
  for (const ws of sockets) ws.terminate();
  process.exit(0);
}

// ---- the parent ---------------------------------------------------------------------------

function request(child, type) {
  const reply = new Promise((resolve) => {
    const listener = (message) => {
      if (message.type !== type) return;
      child.off('message', listener);
      resolve(message);
    };
    child.on('message', listener);
  });
  child.send({ type });
  return reply;
}

function nextMessage(child, type) {
  return new Promise((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`process exited with ${code}`)));
    child.on('message', (message) => message.type === type && resolve(message));
  });
}

async function measure(kind, count, relayBundle) {
  const server = fork(SELF, ['--server', kind, relayBundle], { execArgv: ['--expose-gc'], stdio: 'inherit' });
  try {
    const { port } = await nextMessage(server, 'ready');
    // Warm up first, so that compiled code and pools grown by the first connections are in the baseline.
    await holdAndRelease(port, WARM_UP_CONNECTIONS, kind);
    await new Promise((resolve) => setTimeout(resolve, 500));
    const before = await request(server, 'memory');
    const clients = fork(SELF, ['--clients', String(port), String(count), kind], { stdio: 'inherit' });
    try {
      await nextMessage(clients, 'held');
      await new Promise((resolve) => setTimeout(resolve, 500));
      const after = await request(server, 'memory');
      return {
        rss: (after.rss - before.rss) / count,
        heap: (after.heapUsed - before.heapUsed) / count,
        // Memory of C++ objects bound to JS ones (Buffers included).
        external: (after.external - before.external) / count,
      };
    } finally {
      clients.send({ type: 'stop' });
      await once(clients, 'exit');
    }
  } finally {
    server.kill();
    await once(server, 'exit');
  }
}

async function holdAndRelease(port, count, kind) {
  const clients = fork(SELF, ['--clients', String(port), String(count), kind], { stdio: 'inherit' });
  await nextMessage(clients, 'held');
  clients.send({ type: 'stop' });
  await once(clients, 'exit');
}

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor((sorted.length - 1) / 2)];
}

async function main() {
  const { values } = parseArgs({
    args: process.argv.slice(2),
    options: { connections: { type: 'string', default: '5000' }, rounds: { type: 'string', default: '3' } },
  });
  const count = Number(values.connections);
  const rounds = Number(values.rounds);
  const relayBundle = await buildRelayBundle();
  const results = { ws: [], relay: [] };
  console.log(`relay-memory: ${count} idle websocket connections on 127.0.0.1, ${rounds} rounds per server`);
  for (let round = 1; round <= rounds; round++) {
    for (const kind of ['ws', 'relay']) {
      const result = await measure(kind, count, relayBundle);
      results[kind].push(result);
      console.log(
        `  round ${round} ${kind.padEnd(5)} rss ${fmt(result.rss)}  heap ${fmt(result.heap)}  external ${fmt(result.external)} per connection`,
      );
    }
  }
  const summary = {};
  for (const kind of ['ws', 'relay']) {
    summary[kind] = Object.fromEntries(
      ['rss', 'heap', 'external'].map((field) => [field, median(results[kind].map((r) => r[field]))]),
    );
  }
  console.log('\nmedian bytes per idle connection:');
  console.log(`  ${''.padEnd(8)}${'rss'.padStart(10)}${'heap'.padStart(10)}${'external'.padStart(10)}`);
  for (const kind of ['ws', 'relay']) {
    const s = summary[kind];
    console.log(
      `  ${kind.padEnd(8)}${fmt(s.rss).padStart(10)}${fmt(s.heap).padStart(10)}${fmt(s.external).padStart(10)}`,
    );
  }
  const rssRatio = summary.relay.rss / summary.ws.rss;
  const heapRatio = summary.relay.heap / summary.ws.heap;
  console.log(`\nrelay / bare ws: rss ${rssRatio.toFixed(2)}x, heap ${heapRatio.toFixed(2)}x (target <= 1.5x)`);
}

function fmt(bytes) {
  return `${Math.round(bytes)} B`;
}
