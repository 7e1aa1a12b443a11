// `npm run bench -- reconnect [--clients 200] [--down-ms 1000] [--event-ms 1000]`
// 200 tasks progress (one event per task per second, through the relay's HTTP API); each is watched by one
// @inloop/client (Node, `ws`, watchTask with the app's status endpoint) and by one pusher-js client (the peer),
// each kind in its own process. The relay (its own process, Redis adapter so cache channels survive) is killed
// with SIGKILL and started again on the same port. Per client: the time from the new relay accepting connections
// until the client shows at least the state the task had at that moment (ours: watchTask's view; pusher-js: the
// cache replay or the next event). Prints p50/p99/max of both. Target: ours p99 < 2 s.
import { fork } from 'node:child_process';
import { rm } from 'node:fs/promises';
import { createServer } from 'node:http';
import { createServer as createNetServer } from 'node:net';
import { dirname, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { bundleExports } from './workspace-bundle.mjs';
import { deleteRedisKeys, REDIS_URL } from './redis-keys.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const args = process.argv.slice(2);
const named = (name, fallback) => (args.includes(`--${name}`) ? args[args.indexOf(`--${name}`) + 1] : fallback);
const ROLE = named('role', 'main');
const CLIENTS = Number(named('clients', 200));
const DOWN_MS = Number(named('down-ms', 1000));
const EVENT_MS = Number(named('event-ms', 1000));
const TARGET_P99_MS = 2000;
const SETTLE_TIMEOUT_MS = 30_000;
const APP = { id: 'bench-reconnect', key: 'bench-reconnect-key', secret: 'bench-reconnect-secret' };
const now = () => performance.timeOrigin + performance.now();
const channelOf = (taskId) => `private-cache-task-${taskId}`;

/** @inloop/relay, @inloop/client and the signing helper bundled from their sources: the bench measures the work tree. */
function buildBundle() {
  return bundleExports('reconnect', [
    "export { createRelay } from '@inloop/relay';",
    "export { connect } from '@inloop/client';",
    "export { signChannelAuthorization } from '@inloop/protocol/signing';",
    "export { applyTaskEvent } from '@inloop/protocol';",
  ]);
}

/** Child processes get the bundle's path as `--bundle`. */
let bundlePath = named('bundle', '');
const loadBundle = () => import(bundlePath);

// ---------------------------------------------------------------- relay process

async function runRelay() {
  const { createRelay } = await loadBundle();
  const relay = await createRelay({
    apps: [APP],
    host: '127.0.0.1',
    port: Number(named('port', 0)),
    logger: false,
    adapter: { driver: 'redis', url: REDIS_URL, prefix: named('prefix', 'bench-reconnect') },
  });
  await relay.listen();
  process.send({ tag: 'listening', at: now() });
}

// ---------------------------------------------------------------- client processes

/** Per task, the seq the client shows and when it started showing it. */
function createSeen(taskIds) {
  const history = new Map(taskIds.map((id) => [id, []]));
  const connectedAt = new Map();
  return {
    connected(taskId) {
      connectedAt.set(taskId, now());
    },
    connectedAt: (taskId) => connectedAt.get(taskId),
    record(taskId, seq) {
      const list = history.get(taskId);
      const last = list.at(-1);
      if (!last || seq > last.seq) list.push({ seq, at: now() });
    },
    /** First time at or after `from` the task shows a seq ≥ `target` (a view shown before `from` counts at `from`). */
    reachedAt(taskId, target, from) {
      const hit = history.get(taskId).find((entry) => entry.seq >= target);
      return hit ? Math.max(hit.at, from) : undefined;
    },
    subscribedAll: () => [...history.values()].every((list) => list.length > 0),
  };
}

async function runOurClients(options) {
  const { connect } = await loadBundle();
  const { default: WebSocket } = await import('ws');
  const seen = createSeen(options.taskIds);
  const clients = options.taskIds.map((taskId) => {
    const client = connect({
      key: APP.key,
      wsHost: '127.0.0.1',
      wsPort: options.relayPort,
      forceTLS: false,
      transports: ['ws'],
      WebSocket,
      authEndpoint: `${options.appUrl}/auth`,
      statusEndpoint: `${options.appUrl}/tasks/{id}`,
    });
    client.on('connected', () => seen.connected(taskId));
    client.watchTask(taskId, (view) => {
      if (view.seq > 0) seen.record(taskId, view.seq);
    });
    return client;
  });
  return {
    seen,
    stop: () => {
      for (const client of clients) client.disconnect();
    },
  };
}

async function runPusherJsClients(options) {
  const { default: Pusher } = await import('pusher-js');
  const seen = createSeen(options.taskIds);
  const clients = options.taskIds.map((taskId) => {
    const pusher = new Pusher(APP.key, {
      cluster: 'bench',
      wsHost: '127.0.0.1',
      wsPort: options.relayPort,
      forceTLS: false,
      enabledTransports: ['ws'],
      channelAuthorization: {
        customHandler: ({ socketId, channelName }, callback) => {
          fetch(`${options.appUrl}/auth`, {
            method: 'POST',
            headers: { 'content-type': 'application/x-www-form-urlencoded' },
            body: new URLSearchParams({ socket_id: socketId, channel_name: channelName }).toString(),
          })
            .then((response) => response.json())
            .then(
              (auth) => callback(null, auth),
              (error) => callback(error, null),
            );
        },
      },
    });
    pusher.connection.bind('connected', () => seen.connected(taskId));
    pusher.subscribe(channelOf(taskId)).bind('inloop:task', (data) => {
      const event = typeof data === 'string' ? JSON.parse(data) : data;
      if (typeof event?.seq === 'number') seen.record(taskId, event.seq);
    });
    return pusher;
  });
  return {
    seen,
    stop: () => {
      for (const client of clients) client.disconnect();
    },
  };
}

async function runClients() {
  const options = JSON.parse(named('options', '{}'));
  const kind = named('kind', 'ours');
  const { seen, stop } = await (kind === 'ours' ? runOurClients(options) : runPusherJsClients(options));
  while (!seen.subscribedAll()) await sleep(50);
  process.send({ tag: 'ready' });
  process.on('message', async (message) => {
    if (message.tag !== 'measure') return;
    const deadline = now() + SETTLE_TIMEOUT_MS;
    const pending = new Set(options.taskIds);
    const delays = [];
    const connectDelays = [];
    while (pending.size > 0 && now() < deadline) {
      for (const taskId of pending) {
        const at = seen.reachedAt(taskId, message.targets[taskId], message.acceptingAt);
        if (at === undefined) continue;
        delays.push(at - message.acceptingAt);
        pending.delete(taskId);
      }
      await sleep(20);
    }
    stop();
    for (const taskId of options.taskIds) {
      const at = seen.connectedAt(taskId);
      if (at !== undefined && at >= message.acceptingAt) connectDelays.push(at - message.acceptingAt);
    }
    process.send({ tag: 'result', delays, connectDelays, missing: pending.size });
  });
}

// ---------------------------------------------------------------- main

function freePort() {
  return new Promise((resolve, reject) => {
    const server = createNetServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

function nextMessage(child, tag, timeoutMs, what) {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${what}: no "${tag}" within ${timeoutMs} ms`)), timeoutMs);
    const onMessage = (message) => {
      if (message.tag !== tag) return;
      clearTimeout(timer);
      child.off('message', onMessage);
      resolve(message);
    };
    child.on('message', onMessage);
    child.once('exit', (code) => reject(new Error(`${what} exited (${code}) before "${tag}"`)));
  });
}

/**
 * The app: channel authorization and the task status endpoint, answering from the tasks' true state with the
 * snapshot @inloop/server's `GET /tasks/:id` would give.
 */
async function startAppServer({ signChannelAuthorization, applyTaskEvent }, truth) {
  const server = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk) => {
      body += chunk;
    });
    request.on('end', () => {
      const json = (status, value) =>
        response.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(value));
      if (request.url === '/auth') {
        const form = new URLSearchParams(body);
        return json(200, signChannelAuthorization(APP, form.get('socket_id'), form.get('channel_name')));
      }
      const taskId = decodeURIComponent(request.url.replace(/^\/tasks\//, ''));
      const event = truth.get(taskId);
      return event ? json(200, applyTaskEvent(undefined, event)) : json(404, { error: 'unknown task' });
    });
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, url: `http://127.0.0.1:${server.address().port}` };
}

/** Every task sends one event per EVENT_MS (staggered), batched 10 per HTTP API call; failures while the relay is down are lost. */
function startPublisher(relayPort, taskIds, truth, PusherServer) {
  const pusher = new PusherServer({
    appId: APP.id,
    key: APP.key,
    secret: APP.secret,
    host: '127.0.0.1',
    port: String(relayPort),
    useTLS: false,
  });
  const tickMs = 100;
  const perTick = Math.ceil((taskIds.length * tickMs) / EVENT_MS);
  let cursor = 0;
  let failures = 0;
  const timer = setInterval(() => {
    const batch = [];
    for (let i = 0; i < perTick; i++) {
      const taskId = taskIds[cursor];
      cursor = (cursor + 1) % taskIds.length;
      const previous = truth.get(taskId);
      const seq = (previous?.seq ?? 0) + 1;
      const event = { v: 1, task: taskId, seq, at: Date.now(), state: 'running', attempt: 1, progress: { done: seq } };
      truth.set(taskId, event);
      batch.push({ channel: channelOf(taskId), name: 'inloop:task', data: JSON.stringify(event) });
    }
    for (let i = 0; i < batch.length; i += 10) {
      pusher.triggerBatch(batch.slice(i, i + 10)).catch(() => {
        failures++;
      });
    }
  }, tickMs);
  return { stop: () => clearInterval(timer), failures: () => failures };
}

function percentile(sorted, p) {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

async function main() {
  const started = now();
  const bundleFile = await buildBundle();
  bundlePath = bundleFile;
  const bundle = await loadBundle();
  const { default: PusherServer } = await import('pusher');
  const prefix = `bench-reconnect-${process.pid}`;
  const relayPort = await freePort();
  const taskIds = Array.from({ length: CLIENTS }, (_, i) => `reconnect-${i}`);
  const truth = new Map();
  const children = new Set();
  const spawnChild = (role, extraArgs = []) => {
    const child = fork(join(here, 'reconnect.mjs'), ['--role', role, '--bundle', bundleFile, ...extraArgs], {
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    children.add(child);
    child.once('exit', () => children.delete(child));
    return child;
  };
  const startRelayProcess = async () => {
    const relay = spawnChild('relay', ['--port', String(relayPort), '--prefix', prefix]);
    const { at } = await nextMessage(relay, 'listening', 30_000, 'relay');
    return { relay, at };
  };

  const app = await startAppServer(bundle, truth);
  let publisher;
  try {
    let { relay } = await startRelayProcess();
    publisher = startPublisher(relayPort, taskIds, truth, PusherServer);
    const clientOptions = ['--options', JSON.stringify({ relayPort, appUrl: app.url, taskIds })];
    const kinds = [
      { name: '@inloop/client (watchTask)', child: spawnChild('clients', ['--kind', 'ours', ...clientOptions]) },
      { name: 'pusher-js (peer)', child: spawnChild('clients', ['--kind', 'pusher-js', ...clientOptions]) },
    ];
    await Promise.all(kinds.map(({ child, name }) => nextMessage(child, 'ready', 60_000, name)));
    console.log(
      `${CLIENTS} @inloop/client + ${CLIENTS} pusher-js clients watching ${CLIENTS} tasks; killing the relay`,
    );
    await sleep(1_500);

    const killedAt = now();
    relay.kill('SIGKILL');
    await sleep(DOWN_MS);
    const restarted = await startRelayProcess();
    relay = restarted.relay;
    const acceptingAt = restarted.at;
    const targets = Object.fromEntries(taskIds.map((id) => [id, truth.get(id).seq]));
    console.log(`relay down ${(acceptingAt - killedAt).toFixed(0)} ms (killed, then a new process on the same port)`);
    const results = kinds.map(({ child, name }) =>
      nextMessage(child, 'result', SETTLE_TIMEOUT_MS + 15_000, name).then((result) => ({ name, ...result })),
    );
    for (const { child } of kinds) child.send({ tag: 'measure', acceptingAt, targets });

    const rows = await Promise.all(results);
    console.log('\ntime from the relay accepting again until the client shows the current state (reached, p50…max),');
    console.log('and until it is connected again (connected; the rest is auth, subscribe and catch-up)');
    const header = ['reached', 'p50', 'p99', 'max', 'connected p50', 'p99'];
    console.log(`${'client'.padEnd(28)}  ${header.map((name) => name.padStart(name.length > 8 ? 14 : 8)).join('  ')}`);
    for (const row of rows) {
      const sorted = [...row.delays].sort((a, b) => a - b);
      const connects = [...row.connectDelays].sort((a, b) => a - b);
      const ms = (value, width = 8) => `${Number.isNaN(value) ? '-' : value.toFixed(0)} ms`.padStart(width);
      row.p99 = percentile(sorted, 99);
      const cells = [
        `${sorted.length}/${CLIENTS}`.padStart(8),
        ms(percentile(sorted, 50)),
        ms(row.p99),
        ms(sorted.at(-1) ?? Number.NaN),
        ms(percentile(connects, 50), 14),
        ms(percentile(connects, 99)),
      ];
      console.log(`${row.name.padEnd(28)}  ${cells.join('  ')}`);
    }
    const ours = rows[0];
    const within = ours.missing === 0 && ours.p99 < TARGET_P99_MS;
    console.log(
      `\n@inloop/client p99 ${ours.p99.toFixed(0)} ms: ${within ? 'within' : 'OVER'} the ${TARGET_P99_MS} ms target` +
        ` (API calls lost while the relay was down: ${publisher.failures()}; run ${((now() - started) / 1000).toFixed(1)} s)`,
    );
  } finally {
    publisher?.stop();
    for (const child of children) child.kill('SIGKILL');
    const closed = new Promise((resolve) => app.server.close(resolve));
    app.server.closeAllConnections();
    await closed;
    await deleteRedisKeys(prefix).catch((error) => console.error('could not delete Redis keys', error));
    await rm(bundleFile, { force: true });
  }
}

if (ROLE === 'relay') await runRelay();
else if (ROLE === 'clients') await runClients();
else await main();
