// `npm run bench -- sqs [--jobs 5000] [--rounds 3] [--pairs 12] [--pair-jobs 1500]`
// Part 1: 5,000 jobs on fauxqs with handlers of a random 0–50 ms, 20 in flight, processed by @inloop/sqs's worker and
// by sqs-consumer (two consumers of batchSize 10: its way to 20 in flight), `--rounds` times, the order alternating.
// Part 2: what 10 progress() calls per job through the memory transport cost: `--pairs` paired runs of `--pair-jobs`
// jobs, ours with reports against ours with the same job shape and none, in ABBA order; judged on the median of the
// paired throughput ratios, with their range and a bootstrap interval.
import { randomUUID } from 'node:crypto';
import { Consumer } from 'sqs-consumer';
import {
  bootstrapMedianInterval,
  bundleInloop,
  CONCURRENCY,
  deleteQueue,
  fillQueue,
  importBundle,
  median,
  PROGRESS_CALLS,
  pinBenchProcess,
  queueDepth,
  quietLogger,
  sleep,
  sqsClient,
  startFauxqsProcess,
  startOurs,
  waitUntil,
} from './sqs-support.mjs';

const args = process.argv.slice(2);
const option = (name, fallback) => {
  const index = args.indexOf(`--${name}`);
  return index >= 0 ? Number(args[index + 1]) : fallback;
};
const JOBS = option('jobs', 5000);
const ROUNDS = option('rounds', 3);
const PAIRS = option('pairs', 12);
const PAIR_JOBS = option('pair-jobs', 1500);
const MAX_JOB_MS = 50;
const RUN_TIMEOUT_MS = 300_000;
const SPEEDUP_TARGET = 1.5;
const COST_TARGET = 0.05;

/**
 * Runs one contender over a fresh queue; returns its jobs per second, this process's CPU time per job and the task
 * events it sent per job, after checking that each job ran exactly once.
 */
async function measure(label, sqs, startConsumer, jobs) {
  const queueUrl = await fillQueue(sqs, `bench-${randomUUID().slice(0, 8)}`, jobs, MAX_JOB_MS);
  const runs = new Uint8Array(jobs);
  let done = 0;
  const finished = (i) => {
    runs[i] += 1;
    done += 1;
  };
  const began = performance.now();
  const cpuBefore = process.cpuUsage();
  const consumer = await startConsumer(queueUrl, finished);
  await waitUntil(() => done >= jobs, `${label}: ${jobs} jobs`, RUN_TIMEOUT_MS);
  const seconds = (performance.now() - began) / 1000;
  const cpu = process.cpuUsage(cpuBefore);
  await consumer.stop();
  let left = await queueDepth(sqs, queueUrl);
  for (let i = 0; i < 100 && left > 0; i += 1) {
    await sleep(50);
    left = await queueDepth(sqs, queueUrl);
  }
  const twice = runs.filter((count) => count > 1).length;
  if (twice > 0 || left > 0) console.warn(`  ${label}: ${twice} jobs ran more than once, ${left} messages left`);
  await deleteQueue(sqs, queueUrl);
  return {
    label,
    rate: jobs / seconds,
    seconds,
    cpuMsPerJob: (cpu.user + cpu.system) / 1000 / jobs,
    eventsPerJob: consumer.events ? consumer.events() / jobs : undefined,
  };
}

const describe = (run) =>
  `${run.label.padEnd(36)} ${run.rate.toFixed(0).padStart(5)} jobs/s  ${run.seconds.toFixed(2).padStart(6)} s  ` +
  `${run.cpuMsPerJob.toFixed(3)} ms CPU/job`;

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
    const stop = async () => {
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
    return { stop };
  };
}

/**
 * CPU time per job of the reporting alone (start, 10 progress() calls each after an event-loop turn, succeed) against
 * the same turns without progress, through the memory transport: what progress reporting adds to a job, throttle
 * timer included, measured without SQS around it.
 */
async function reportingCpuPerJob(inloop, progress, jobs = 5000) {
  const notifier = inloop.createNotifier(inloop.createMemoryTransport(), {
    store: inloop.createMemoryStore(),
    logger: quietLogger,
  });
  const nextTurn = () => new Promise((resolve) => setImmediate(resolve));
  const before = process.cpuUsage();
  for (let i = 0; i < jobs; i += 1) {
    const reporter = notifier.task(`cpu-${progress}-${i}`, { owner: 'bench', attempt: 1 });
    await reporter.start();
    for (let step = 1; step <= PROGRESS_CALLS; step += 1) {
      await nextTurn();
      if (progress) reporter.progress({ done: step, total: PROGRESS_CALLS });
    }
    await reporter.succeed(i);
  }
  const cpu = process.cpuUsage(before);
  await notifier.close();
  return (cpu.user + cpu.system) / 1000 / jobs;
}

/**
 * Runs `a` and `b` back to back; pairs 0 and 3 of every 4 start with `a`, pairs 1 and 2 with `b` (ABBA BAAB…), so a
 * steady drift of the machine's speed favours neither. Returns [a's run, b's run].
 */
async function pair(index, a, b) {
  if (index % 4 === 0 || index % 4 === 3) return [await a(), await b()];
  const second = await b();
  return [await a(), second];
}

const percent = (value) => `${(value * 100).toFixed(1)}%`;
const spread = (values, format) => {
  const sorted = [...values].sort((x, y) => x - y);
  const [low, high] = bootstrapMedianInterval(values);
  return `range ${format(sorted[0])} … ${format(sorted.at(-1))}, 90% interval of the median ${format(low)} … ${format(high)}`;
};

async function compareWithSqsConsumer(inloop, sqs) {
  console.log(`ours against sqs-consumer: ${ROUNDS} pair(s) of ${JOBS} jobs`);
  const speedups = [];
  for (let round = 0; round < ROUNDS; round += 1) {
    const [ourRun, consumerRun] = await pair(
      round,
      () => measure('@inloop/sqs', sqs, ours(inloop, sqs, { progress: false, sliced: false }), JOBS),
      () => measure('sqs-consumer 14 (2 × batchSize 10)', sqs, sqsConsumer(sqs), JOBS),
    );
    speedups.push(ourRun.rate / consumerRun.rate);
    console.log(`  ${describe(ourRun)}\n  ${describe(consumerRun)}\n    ratio ${speedups.at(-1).toFixed(2)}×`);
  }
  return speedups;
}

async function measureProgressCost(inloop, sqs) {
  console.log(`progress reporting: ${PAIRS} pairs of ${PAIR_JOBS} jobs, each job in 10 slices, ABBA order`);
  const plain = () => measure('without reports', sqs, ours(inloop, sqs, { progress: false, sliced: true }), PAIR_JOBS);
  const reporting = () =>
    measure(
      `+ ${PROGRESS_CALLS} progress() per job`,
      sqs,
      ours(inloop, sqs, { progress: true, sliced: true }),
      PAIR_JOBS,
    );
  const costs = [];
  const cpuCosts = [];
  const runs = [];
  for (let index = 0; index < PAIRS; index += 1) {
    const [plainRun, progressRun] = await pair(index, plain, reporting);
    costs.push(1 - progressRun.rate / plainRun.rate);
    cpuCosts.push(1 - plainRun.cpuMsPerJob / progressRun.cpuMsPerJob);
    runs.push({ plainRun, progressRun });
    console.log(
      `  pair ${String(index + 1).padStart(2)} ${index % 4 === 0 || index % 4 === 3 ? 'AB' : 'BA'}: ` +
        `${plainRun.rate.toFixed(0)} → ${progressRun.rate.toFixed(0)} jobs/s (cost ${percent(costs.at(-1))}), ` +
        `${plainRun.cpuMsPerJob.toFixed(3)} → ${progressRun.cpuMsPerJob.toFixed(3)} ms CPU/job`,
    );
  }
  return { costs, cpuCosts, runs };
}

async function main() {
  const pinning = pinBenchProcess();
  console.log(
    `SQS workers on fauxqs: jobs of 0–${MAX_JOB_MS} ms, ${CONCURRENCY} in flight; ` +
      (pinning
        ? `fauxqs pinned to CPU ${pinning.fauxqsCpu}, this process to CPU ${pinning.benchCpu}`
        : 'not pinned to CPUs (no taskset or fewer than 2 CPUs)'),
  );
  const [fauxqs, bundle] = await Promise.all([startFauxqsProcess({ cpu: pinning?.fauxqsCpu }), bundleInloop()]);
  const inloop = await importBundle(bundle.file);
  const sqs = sqsClient(fauxqs.endpoint);
  let speedups;
  let progress;
  const workerCpu = [];
  const addedCpu = [];
  try {
    // JIT, sockets and the emulator warm up first, so the first contender is not penalised.
    console.log('warm-up: 1,000 jobs each of ours with and without reports and of sqs-consumer');
    await measure('warm-up', sqs, ours(inloop, sqs, { progress: true, sliced: true }), 1000);
    await measure('warm-up', sqs, ours(inloop, sqs, { progress: false, sliced: false }), 1000);
    await measure('warm-up', sqs, sqsConsumer(sqs), 1000);
    speedups = await compareWithSqsConsumer(inloop, sqs);
    progress = await measureProgressCost(inloop, sqs);
    for (let round = 0; round < 5; round += 1) {
      const plainReporting = await reportingCpuPerJob(inloop, false);
      addedCpu.push((await reportingCpuPerJob(inloop, true)) - plainReporting);
    }
    workerCpu.push(...progress.runs.map(({ plainRun }) => plainRun.cpuMsPerJob));
  } finally {
    sqs.destroy();
    fauxqs.stop();
    await bundle.remove();
  }

  const speedup = median(speedups);
  const cost = median(progress.costs);
  const { plainRun, progressRun } = progress.runs[0];
  const isolatedCost = median(addedCpu) / (median(workerCpu) + median(addedCpu));
  console.log('');
  console.log(
    `ours / sqs-consumer: ${speedup.toFixed(2)}× (median of ${speedups.length}; ` +
      `rounds: ${speedups.map((value) => `${value.toFixed(2)}×`).join(', ')}), ` +
      `target ≥ ${SPEEDUP_TARGET}×: ${speedup >= SPEEDUP_TARGET ? 'met' : 'NOT met'}`,
  );
  console.log(
    `progress reporting, wall-clock throughput cost: ${percent(cost)} (median of ${progress.costs.length} paired ` +
      `ratios; ${spread(progress.costs, percent)}), target ≤ ${percent(COST_TARGET)}: ` +
      `${cost <= COST_TARGET ? 'met' : 'NOT met'}`,
  );
  // CPU turns into throughput only once the worker's process is CPU-bound; how busy it was says how far off that is.
  const busy = median(progress.runs.map((run) => (run.progressRun.rate * run.progressRun.cpuMsPerJob) / 1000));
  console.log(
    `progress reporting, CPU per job of whole runs: ${percent(median(progress.cpuCosts))} ` +
      `(${spread(progress.cpuCosts, percent)}); the worker's process kept ${percent(busy)} of one core busy`,
  );
  console.log(
    `progress reporting, CPU it adds per job measured alone (median of ${addedCpu.length}): ${median(addedCpu).toFixed(4)} ms of ` +
      `${(median(workerCpu) + median(addedCpu)).toFixed(3)} ms = ${percent(isolatedCost)}`,
  );
  console.log(
    `task events per job: ${plainRun.eventsPerJob.toFixed(2)} without reports, ` +
      `${progressRun.eventsPerJob.toFixed(2)} with ${PROGRESS_CALLS} progress() calls (throttled to one per 250 ms)`,
  );
}

await main();
