// What the relay-fanout and relay-cluster benchmarks share: helper processes over IPC, the two load shapes, and
// the summary of measured phases.
import { fork } from 'node:child_process';
import { nowMs, payload } from './shared.mjs';

let stopping = false;

/** From now on a helper process exiting is expected (the benchmark is shutting down). */
export function markStopping() {
  stopping = true;
}

/** Forks a helper; `next(type)` resolves with its next message of that type. An unexpected failure ends the run. */
export function forkChild(path, args, execArgv = []) {
  const process_ = fork(path, args, { stdio: ['ignore', 'inherit', 'inherit', 'ipc'], execArgv });
  const waiters = new Map();
  process_.on('message', (message) => {
    const waiter = waiters.get(message.type);
    if (waiter) {
      waiters.delete(message.type);
      waiter(message);
    }
  });
  process_.on('exit', (code) => {
    if (code !== 0 && code !== null && !stopping) {
      console.error(`${path} ${args.join(' ')} exited with ${code}`);
      process.exit(1);
    }
  });
  return {
    process: process_,
    next: (type) => new Promise((resolve) => waiters.set(type, resolve)),
    send: (message) => process_.send(message),
  };
}

/** Sends `{ type }` to a helper and waits for its answer of the same type. */
export async function ask(target, type) {
  const reply = target.next(type);
  target.send({ type });
  return reply;
}

/** `events` triggers as fast as `concurrency` requests in flight allow. */
export async function burst(trigger, events, concurrency) {
  let next = 0;
  const worker = async () => {
    while (next < events) {
      next++;
      await trigger(payload(nowMs()));
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
}

/** `events` triggers, `perSecond` of them a second. */
export async function paced(trigger, events, perSecond) {
  const start = performance.now();
  const sent = [];
  for (let index = 0; index < events; index++) {
    const wait = start + (index * 1000) / perSecond - performance.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    sent.push(trigger(payload(nowMs())));
  }
  await Promise.all(sent);
}

function percentile(values, p) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? Number.NaN;
}

/** Throughput, CPU per delivery and latency quantiles over measured phases (`shape` 'burst' or 'paced'). */
export function summarize(phases) {
  const sum = (list, field) => list.reduce((total, item) => total + item[field], 0);
  const cpuPerDelivery = (list) => sum(list, 'cpuMicros') / sum(list, 'deliveries');
  const quantile = (list, p) =>
    percentile(
      list.flatMap((phase) => phase.quantiles),
      p,
    );
  const bursts = phases.filter((phase) => phase.shape === 'burst');
  const pacedPhases = phases.filter((phase) => phase.shape === 'paced');
  return {
    deliveriesPerSecond: sum(bursts, 'deliveries') / (sum(bursts, 'windowMs') / 1000),
    burstCpuPerDelivery: cpuPerDelivery(bursts),
    pacedCpuPerDelivery: cpuPerDelivery(pacedPhases),
    cpuPerDelivery: cpuPerDelivery(phases),
    burstP50: quantile(bursts, 0.5),
    burstP99: quantile(bursts, 0.99),
    pacedP50: quantile(pacedPhases, 0.5),
    pacedP99: quantile(pacedPhases, 0.99),
  };
}
