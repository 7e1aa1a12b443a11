// `npm run bench -- sqs [--jobs 5000] [--rounds 1]`
// 5,000 jobs on fauxqs with handlers of a random 0–50 ms, 20 in flight, processed once by @inloop/sqs's worker and
// once by sqs-consumer (two consumers of batchSize 10: its way to 20 in flight) in the same run; then ours with
// 10 progress() calls per job through the memory transport, against ours with the same job shape and no reports.
import { fork } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Consumer } from 'sqs-consumer';
import {
  bundleInloop,
  CONCURRENCY,
  fillQueue,
  importBundle,
  PROGRESS_CALLS,
  queueDepth,
  sleep,
  sqsClient,
  startFauxqsProcess,
  startOurs,
  waitUntil,
} from './sqs-support.mjs';

const here = dirname(fileURLToPath(import.meta.url));

const args = process.argv.slice(2);
const option = (name, fallback) => {
  const index = args.indexOf(`--${name}`);
  return index >= 0 ? Number(args[index + 1]) : fallback;
};
const JOBS = option('jobs', 5000);
const ROUNDS = option('rounds', 1);
const MAX_JOB_MS = 50;
const RUN_TIMEOUT_MS = 300_000;

/** Runs one contender over a fresh queue; returns jobs per second, after checking each job ran exactly once. */
async function measure(label, sqs, startConsumer, jobs = JOBS) {
  const queueUrl = await fillQueue(sqs, `bench-${randomUUID().slice(0, 8)}`, jobs, MAX_JOB_MS);
  const runs = new Uint8Array(jobs);
  let done = 0;
  const finished = (i) => {
    runs[i] += 1;
    done += 1;
  };
  const began = performance.now();
  const cpuBefore = process.cpuUsage();
  const stop = await startConsumer(queueUrl, finished);
  await waitUntil(() => done >= jobs, `${label}: ${jobs} jobs`, RUN_TIMEOUT_MS);
  const seconds = (performance.now() - began) / 1000;
  const cpu = process.cpuUsage(cpuBefore);
  const cpuMsPerJob = (cpu.user + cpu.system) / 1000 / jobs;
  await stop();
  let left = await queueDepth(sqs, queueUrl);
  for (let i = 0; i < 100 && left > 0; i += 1) {
    await sleep(50);
    left = await queueDepth(sqs, queueUrl);
  }
  const twice = runs.filter((count) => count > 1).length;
  if (twice > 0 || left > 0) console.warn(`  ${label}: ${twice} jobs ran more than once, ${left} messages left`);
  const rate = jobs / seconds;
  console.log(
    `  ${label.padEnd(38)} ${rate.toFixed(0).padStart(6)} jobs/s  ${seconds.toFixed(2).padStart(6)} s  ` +
      `${cpuMsPerJob.toFixed(3)} ms CPU/job`,
  );
  return rate;
}

/**
 * Runs two variants of our worker at the same time, each in its own process on its own queue of `jobs`, until the
 * first is done; returns both rates over that same window. Both see the same load from the rest of the machine,
 * so their ratio is steady where totals measured one after the other are not.
 */
async function sideBySide(endpoint, bundle, variants, jobs = JOBS) {
  const sqs = sqsClient(endpoint);
  const contenders = await Promise.all(
    variants.map(async ({ label, variant }) => {
      const queueUrl = await fillQueue(sqs, `bench-${randomUUID().slice(0, 8)}`, jobs, MAX_JOB_MS);
      const child = fork(join(here, 'sqs-contender.mjs'), [JSON.stringify({ endpoint, queueUrl, bundle, variant })], {
        env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
      });
      const contender = { label, child, done: 0, ready: false, stopped: false };
      child.on('message', (message) => {
        if (message.ready) contender.ready = true;
        if (message.done !== undefined) contender.done = message.done;
        if (message.stopped) contender.stopped = true;
      });
      child.once('exit', () => {
        contender.stopped = true;
      });
      return contender;
    }),
  );
  sqs.destroy();
  try {
    await waitUntil(() => contenders.every((c) => c.ready), 'contender processes', 60_000);
    const began = performance.now();
    for (const contender of contenders) contender.child.send({ start: true });
    await waitUntil(() => contenders.some((c) => c.done >= jobs), 'side-by-side run', RUN_TIMEOUT_MS);
    const seconds = (performance.now() - began) / 1000;
    const rates = contenders.map((contender) => contender.done / seconds);
    for (const contender of contenders) contender.child.send({ stop: true });
    await waitUntil(() => contenders.every((c) => c.stopped), 'contenders to stop', 60_000);
    contenders.forEach((contender, index) => {
      console.log(`  ${contender.label.padEnd(38)} ${rates[index].toFixed(0).padStart(6)} jobs/s  (side by side)`);
    });
    return rates;
  } finally {
    for (const contender of contenders) if (!contender.stopped) contender.child.kill();
  }
}

function ours(inloop, sqs, variant) {
  return (queueUrl, finished) => startOurs(inloop, sqs, queueUrl, variant, finished);
}

function sqsConsumer(sqs) {
  return async (queueUrl, finished) => {
    const consumers = [0, 1].map(() =>
      Consumer.create({
        sqs,
        queueUrl,
        batchSize: CONCURRENCY / 2,
        waitTimeSeconds: 1,
        handleMessage: async (message) => {
          const { i, ms } = JSON.parse(message.Body);
          await sleep(ms);
          finished(i);
          return message;
        },
      }),
    );
    for (const consumer of consumers) {
      consumer.on('error', (error) => console.error('sqs-consumer error:', error.message));
      consumer.start();
    }
    return async () => {
      await Promise.all(
        consumers.map(
          (consumer) =>
            new Promise((resolve) => {
              consumer.once('stopped', resolve);
              consumer.stop();
            }),
        ),
      );
    };
  };
}

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

/** Runs two contenders back to back (alternating which goes first) and returns [a, b] in jobs per second. */
async function pair(round, a, b) {
  if (round % 2 === 1) return [await a(), await b()];
  const second = await b();
  return [await a(), second];
}

async function main() {
  console.log(
    `SQS workers on fauxqs: ${JOBS} jobs of 0–${MAX_JOB_MS} ms, ${CONCURRENCY} in flight, ${ROUNDS} round(s)`,
  );
  const [fauxqs, bundle] = await Promise.all([startFauxqsProcess(), bundleInloop()]);
  const inloop = await importBundle(bundle.file);
  const sqs = sqsClient(fauxqs.endpoint);
  const speedups = [];
  const costs = [];
  try {
    // JIT, sockets and the emulator warm up first, so the first contender is not penalised.
    console.log('warm-up');
    await measure('@inloop/sqs', sqs, ours(inloop, sqs, { progress: true, sliced: true }), 500);
    await measure('sqs-consumer', sqs, sqsConsumer(sqs), 500);
    for (let round = 1; round <= ROUNDS; round += 1) {
      console.log(`round ${round}`);
      // Paired runs: a ratio of two runs made seconds apart is far less disturbed by other load than two totals.
      const [ourRate, consumerRate] = await pair(
        round,
        () => measure('@inloop/sqs', sqs, ours(inloop, sqs, { progress: false, sliced: false })),
        () => measure('sqs-consumer 14 (2 × batchSize 10)', sqs, sqsConsumer(sqs)),
      );
      const [plainRate, progressRate] = await sideBySide(fauxqs.endpoint, bundle.file, [
        { label: '@inloop/sqs, job in 10 slices', variant: { progress: false, sliced: true } },
        { label: `@inloop/sqs, + ${PROGRESS_CALLS} progress() per job`, variant: { progress: true, sliced: true } },
      ]);
      speedups.push(ourRate / consumerRate);
      costs.push(1 - progressRate / plainRate);
    }
  } finally {
    sqs.destroy();
    fauxqs.stop();
    await bundle.remove();
  }
  const speedup = median(speedups);
  const cost = median(costs);
  const list = (values, format) => (values.length > 1 ? `  (rounds: ${values.map(format).join(', ')})` : '');
  console.log('');
  console.log(
    `ours / sqs-consumer: ${speedup.toFixed(2)}×, target ≥ 1.5×: ${speedup >= 1.5 ? 'met' : 'NOT met'}` +
      list(speedups, (value) => `${value.toFixed(2)}×`),
  );
  console.log(
    `progress reporting cost: ${(cost * 100).toFixed(1)}% of throughput, target ≤ 5%: ${cost <= 0.05 ? 'met' : 'NOT met'}` +
      list(costs, (value) => `${(value * 100).toFixed(1)}%`),
  );
}

await main();
