// `npm run bench -- e2e [--jobs 50] [--steps 20] [--step-ms 100] [--throttle-ms 250] [--rounds 3] [--store ipc|redis]`
// The whole loop of the progress demo, measured: jobs on fauxqs → @inloop/sqs worker (its own process, task store
// reached over IPC like the demo) → relay (its own process) → one Node client of @inloop/client per job, on `ws`.
// Prints the latency from ctx.progress() in the worker to onChange() in the client (p50/p99/max), progress events
// sent versus progress() calls (the notifier's throttle merges calls), and the relay's and worker's CPU time.
// Rounds alternate with pusher-js as the receiving client (the peer) on the same relay; the medians are compared.
// A last round with the notifier's default throttle shows how many progress() calls become events.
import { fork } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { createServer } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { bundleExports } from './workspace-bundle.mjs';
import { deleteRedisKeys, REDIS_URL } from './redis-keys.mjs';

const args = process.argv.slice(2);
const option = (name, fallback) => {
  const index = args.indexOf(`--${name}`);
  return index >= 0 ? Number(args[index + 1]) : fallback;
};
const named = (name, fallback) => (args.includes(`--${name}`) ? args[args.indexOf(`--${name}`) + 1] : fallback);
const ROLE = named('role', 'main');
/** `ipc`: the demo's way (memory store in the app process, reached over IPC); `redis`: Redis at 127.0.0.1:6379. */
const STORE = named('store', 'ipc');
const JOBS = option('jobs', 50);
const STEPS = option('steps', 20);
const STEP_MS = option('step-ms', 100);
/** The notifier's throttle in the rounds that measure what it saves (the latency rounds use 0: every call sent). */
const THROTTLE_MS = option('throttle-ms', 250);
const ROUNDS = option('rounds', 3);
const RUN_TIMEOUT_MS = 180_000;
const APP = { id: 'bench-e2e', key: 'bench-key', secret: 'bench-secret' };
/** Settings a parent hands to its child processes. */
const childEnv = process.env;
const now = () => performance.timeOrigin + performance.now();
const quiet = { debug() {}, info() {}, warn() {}, error: (context, message) => console.error(message, context) };

/** @inloop/* (and the demo's IPC store) bundled from their TypeScript sources: the bench measures the work tree. */
function buildBundle() {
  return bundleExports('e2e', [
    "export { createWorker, enqueue } from '@inloop/sqs';",
    "export { createNotifier, createMemoryStore, createRedisStore, createTransport } from '@inloop/server';",
    "export { createRelay } from '@inloop/relay';",
    "export { connect } from '@inloop/client';",
    "export { signChannelAuthorization } from '@inloop/protocol/signing';",
    "export { createIpcStore, serveStoreOverIpc } from './examples/progress-demo/src/store-ipc.ts';",
  ]);
}

const redisStore = (bundle, prefix) => bundle.createRedisStore({ url: REDIS_URL, prefix });

const loadBundle = () => import(childEnv.INLOOP_BENCH_BUNDLE);

/** CPU time (user + system) a process has used so far, in ms, from /proc (Linux). */
function cpuMsOf(pid) {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const ticks = Number(fields[11]) + Number(fields[12]);
  return ticks * 10; // CLK_TCK is 100 on Linux
}

async function runRelay() {
  const { createRelay } = await loadBundle();
  const relay = await createRelay({ apps: [APP], port: 0, host: '127.0.0.1', logger: false });
  const { port } = await relay.listen();
  process.send({ tag: 'relay', port });
  process.once('SIGTERM', () => relay.close().finally(() => process.exit(0)));
}

async function runWorker() {
  const bundle = await loadBundle();
  const { createWorker, createNotifier, createTransport } = bundle;
  const { SQSClient } = await import('@aws-sdk/client-sqs');
  const sqs = new SQSClient({
    endpoint: childEnv.BENCH_SQS_ENDPOINT,
    region: 'us-east-1',
    credentials: { accessKeyId: 'bench', secretAccessKey: 'bench' },
  });
  let eventsSent = 0;
  let progressEventsSent = 0;
  const transport = createTransport(childEnv.INLOOP_URL, { logger: quiet });
  const counting = new Proxy(transport, {
    get(target, property) {
      if (property === 'trigger') {
        return (channels, event, data, options) => {
          eventsSent += 1;
          if (data?.state === 'running' && data.progress) progressEventsSent += 1;
          return target.trigger(channels, event, data, options);
        };
      }
      const value = target[property];
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
  const store = STORE === 'redis' ? redisStore(bundle, childEnv.BENCH_REDIS_PREFIX) : bundle.createIpcStore();
  const notifier = createNotifier(counting, {
    store,
    logger: quiet,
    throttleMs: Number(childEnv.BENCH_THROTTLE_MS),
  });
  let progressCalls = 0;
  const worker = createWorker({
    sqs,
    queueUrl: childEnv.BENCH_QUEUE_URL,
    notifier,
    concurrency: JOBS,
    waitTimeSeconds: 1,
    logger: quiet,
    handler: async (_payload, ctx) => {
      for (let done = 1; done <= STEPS; done += 1) {
        await sleep(STEP_MS);
        progressCalls += 1;
        // The call's time travels in the message: the client measures its latency on arrival.
        ctx.progress({ done, total: STEPS, message: `t=${now()}` });
      }
    },
  });
  process.on('message', async (message) => {
    if (message?.tag !== 'report') return;
    process.send({ tag: 'report', progressCalls, eventsSent, progressEventsSent });
  });
  process.once('SIGTERM', async () => {
    await worker.stop();
    await notifier.close();
    await store.close();
    process.exit(0);
  });
  await worker.start();
  process.send({ tag: 'ready' });
}

function forkRole(role, env) {
  const forwarded = args.filter((_, index) => args[index] !== '--role' && args[index - 1] !== '--role');
  return fork(fileURLToPath(import.meta.url), [...forwarded, '--role', role], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
}

function nextMessage(child, tag, timeoutMs = 60_000) {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`no "${tag}" from the ${tag} process in ${timeoutMs} ms`)),
      timeoutMs,
    );
    const onMessage = (message) => {
      if (message?.tag !== tag) return;
      clearTimeout(timer);
      child.off('message', onMessage);
      resolve(message);
    };
    child.on('message', onMessage);
  });
}

async function waitUntil(condition, label, timeoutMs = RUN_TIMEOUT_MS) {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${label}`);
    await sleep(20);
  }
}

/** Answers channel authorization for any channel: the benchmark measures delivery, not access rules. */
async function startAuthServer(signChannelAuthorization) {
  const server = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk) => {
      body += chunk;
    });
    request.on('end', () => {
      const form = new URLSearchParams(body);
      const auth = signChannelAuthorization(APP, form.get('socket_id'), form.get('channel_name'));
      response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(auth));
    });
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, url: `http://127.0.0.1:${server.address().port}/auth` };
}

const latencyOf = (message, at) =>
  typeof message === 'string' && message.startsWith('t=') ? at - Number(message.slice(2)) : undefined;

/** One @inloop/client per task; resolves with the latencies seen and a check that every task succeeded. */
async function inloopClients(inloop, WebSocket, relayPort, authUrl, taskIds) {
  const latencies = [];
  const finished = new Set();
  const clients = taskIds.map((taskId) => {
    const client = inloop.connect({
      key: APP.key,
      wsHost: '127.0.0.1',
      wsPort: relayPort,
      forceTLS: false,
      authEndpoint: authUrl,
      WebSocket,
      environmentEvents: null,
      transports: ['ws'],
    });
    let lastMessage;
    client.watchTask(taskId, (view) => {
      const at = now();
      if (view.message !== lastMessage) {
        lastMessage = view.message;
        const latency = latencyOf(view.message, at);
        if (latency !== undefined && view.state === 'running') latencies.push(latency);
      }
      if (view.state === 'succeeded') finished.add(taskId);
    });
    return client;
  });
  const channelOf = (taskId) => `private-cache-task-${taskId}`;
  await waitUntil(
    () => clients.every((client, index) => client.channel(channelOf(taskIds[index]))?.subscribed),
    'clients subscribed',
    60_000,
  );
  return {
    latencies,
    finished,
    close: () => {
      for (const client of clients) client.disconnect();
    },
  };
}

/** The peer: one pusher-js client per task on the same relay. */
async function pusherJsClients(relayPort, authUrl, taskIds) {
  const { default: Pusher } = await import('pusher-js');
  const latencies = [];
  const finished = new Set();
  const clients = taskIds.map((taskId) => {
    const pusher = new Pusher(APP.key, {
      wsHost: '127.0.0.1',
      wsPort: relayPort,
      forceTLS: false,
      enabledTransports: ['ws'],
      cluster: 'bench',
      channelAuthorization: { endpoint: authUrl, transport: 'ajax' },
    });
    const channel = pusher.subscribe(`private-cache-task-${taskId}`);
    let subscribed = false;
    channel.bind('pusher:subscription_succeeded', () => {
      subscribed = true;
    });
    channel.bind('inloop:task', (event) => {
      const at = now();
      const data = typeof event === 'string' ? JSON.parse(event) : event;
      const latency = latencyOf(data?.progress?.message, at);
      if (latency !== undefined && data.state === 'running') latencies.push(latency);
      if (data?.state === 'succeeded') finished.add(taskId);
    });
    return { pusher, isSubscribed: () => subscribed };
  });
  await waitUntil(() => clients.every((client) => client.isSubscribed()), 'pusher-js clients subscribed', 60_000);
  return {
    latencies,
    finished,
    close: () => {
      for (const { pusher } of clients) pusher.disconnect();
    },
  };
}

function percentile(sorted, p) {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

async function startWorker(context, throttleMs) {
  const worker = forkRole('worker', {
    INLOOP_URL: context.inloopUrl,
    BENCH_SQS_ENDPOINT: context.endpoint,
    BENCH_QUEUE_URL: context.queueUrl,
    BENCH_THROTTLE_MS: String(throttleMs),
    BENCH_REDIS_PREFIX: context.redisPrefix,
  });
  const stopServing = STORE === 'ipc' ? context.inloop.serveStoreOverIpc(context.store, worker) : () => {};
  await nextMessage(worker, 'ready');
  return {
    worker,
    async stop() {
      const exited = new Promise((resolve) => worker.once('exit', resolve));
      worker.kill('SIGTERM');
      await exited;
      stopServing();
    },
  };
}

async function runRound(label, context, throttleMs, openClients, { print = true } = {}) {
  const { inloop, sqs, queueUrl, notifier, relay } = context;
  const { worker, stop } = await startWorker(context, throttleMs);
  const taskIds = Array.from({ length: JOBS }, () => randomUUID());
  const clients = await openClients(taskIds);
  worker.send({ tag: 'report' });
  const before = { relay: cpuMsOf(relay.pid), worker: cpuMsOf(worker.pid), stats: await nextMessage(worker, 'report') };
  const began = now();
  await Promise.all(
    taskIds.map((taskId) => inloop.enqueue({ sqs, queueUrl, notifier, payload: {}, owner: 'bench', taskId })),
  );
  await waitUntil(() => clients.finished.size === JOBS, `${label}: ${JOBS} tasks succeeded`);
  const seconds = (now() - began) / 1000;
  worker.send({ tag: 'report' });
  const after = { relay: cpuMsOf(relay.pid), worker: cpuMsOf(worker.pid), stats: await nextMessage(worker, 'report') };
  clients.close();
  await stop();
  const sorted = [...clients.latencies].sort((a, b) => a - b);
  const calls = after.stats.progressCalls - before.stats.progressCalls;
  const sent = after.stats.progressEventsSent - before.stats.progressEventsSent;
  const events = after.stats.eventsSent - before.stats.eventsSent;
  if (!print) return { p50: percentile(sorted, 50), p99: percentile(sorted, 99) };
  console.log(`\n  ${label}, throttle ${throttleMs} ms: ${JOBS} jobs × ${STEPS} steps in ${seconds.toFixed(2)} s`);
  console.log(
    `    latency ctx.progress() → onChange: p50 ${percentile(sorted, 50).toFixed(1)} ms, p99 ${percentile(sorted, 99).toFixed(1)} ms, max ${sorted.at(-1)?.toFixed(1)} ms (${sorted.length} samples)`,
  );
  console.log(
    `    progress() calls ${calls}, progress events sent ${sent} (${((sent / calls) * 100).toFixed(0)}%), all events sent ${events}`,
  );
  console.log(`    CPU time: relay ${after.relay - before.relay} ms, worker ${after.worker - before.worker} ms`);
  return { p50: percentile(sorted, 50), p99: percentile(sorted, 99) };
}

async function main() {
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  process.env.INLOOP_BENCH_BUNDLE = await buildBundle();
  const inloop = await loadBundle();
  const { startFauxqs } = await import('fauxqs');
  const { SQSClient, CreateQueueCommand } = await import('@aws-sdk/client-sqs');
  const { default: WebSocket } = await import('ws');

  const fauxqs = await startFauxqs({ port: 0, host: '127.0.0.1', logger: false });
  const endpoint = `http://127.0.0.1:${fauxqs.port}`;
  const sqs = new SQSClient({ endpoint, region: 'us-east-1', credentials: { accessKeyId: 'b', secretAccessKey: 'b' } });
  const { QueueUrl: queueUrl } = await sqs.send(
    new CreateQueueCommand({ QueueName: `bench-e2e-${process.pid}`, Attributes: { VisibilityTimeout: '30' } }),
  );

  const relay = forkRole('relay', {});
  const { port: relayPort } = await nextMessage(relay, 'relay');
  const inloopUrl = `relay://${APP.key}:${APP.secret}@127.0.0.1:${relayPort}/${APP.id}`;
  const redisPrefix = `bench-e2e-${process.pid}:`;
  const store = STORE === 'redis' ? redisStore(inloop, redisPrefix) : inloop.createMemoryStore();
  const notifier = inloop.createNotifier(inloopUrl, { store, logger: quiet });
  const auth = await startAuthServer(inloop.signChannelAuthorization);

  console.log(
    `e2e: fauxqs → worker (${STEP_MS} ms steps, task store: ${STORE}) → relay → ${JOBS} Node clients, one per job`,
  );
  const context = { inloop, sqs, endpoint, queueUrl, inloopUrl, store, redisPrefix, notifier, relay };
  const ourClients = (ids) => inloopClients(inloop, WebSocket, relayPort, auth.url, ids);
  const peerClients = (ids) => pusherJsClients(relayPort, auth.url, ids);
  try {
    // Warms up the relay, the app side and the JIT, so the first measured round is not penalised.
    await runRound('warm-up', context, 0, ourClients, { print: false });
    // Rounds alternate between the contenders, so a burst of load on the machine does not favour one of them.
    const ours = [];
    const peer = [];
    for (let round = 1; round <= ROUNDS; round += 1) {
      ours.push(await runRound(`round ${round}, @inloop/client (ws)`, context, 0, ourClients));
      peer.push(await runRound(`round ${round}, peer: pusher-js (ws)`, context, 0, peerClients));
    }
    await runRound('@inloop/client (ws)', context, THROTTLE_MS, ourClients);
    const median = (results, key) =>
      percentile(
        results.map((result) => result[key]).sort((a, b) => a - b),
        50,
      );
    const [oursP50, oursP99] = [median(ours, 'p50'), median(ours, 'p99')];
    const [peerP50, peerP99] = [median(peer, 'p50'), median(peer, 'p99')];
    console.log(`\n  median of ${ROUNDS} rounds, throttle 0:`);
    console.log(`    @inloop/client p50 ${oursP50.toFixed(1)} ms, p99 ${oursP99.toFixed(1)} ms`);
    console.log(`    pusher-js      p50 ${peerP50.toFixed(1)} ms, p99 ${peerP99.toFixed(1)} ms`);
    console.log(
      `    ratio @inloop/client / pusher-js: p50 ${(oursP50 / peerP50).toFixed(2)}, p99 ${(oursP99 / peerP99).toFixed(2)} (lower is better)`,
    );
    console.log(`  target: p99 under 50 ms — ${oursP99 < 50 ? 'met' : 'NOT met'} (${oursP99.toFixed(1)} ms)`);
  } finally {
    auth.server.close();
    relay.kill('SIGTERM');
    await new Promise((resolve) => relay.once('exit', resolve));
    await notifier.close();
    await store.close();
    if (STORE === 'redis') await deleteRedisKeys(redisPrefix);
    sqs.destroy();
    await fauxqs.stop();
    await rm(childEnv.INLOOP_BENCH_BUNDLE, { force: true });
  }
}

if (ROLE === 'relay') await runRelay();
else if (ROLE === 'worker') await runWorker();
else await main();
