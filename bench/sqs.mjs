// `npm run bench -- sqs [--jobs 5000] [--rounds 1]`
// 5,000 jobs on fauxqs with handlers of a random 0–50 ms, 20 in flight, processed once by @inloop/sqs's worker and
// once by sqs-consumer (two consumers of batchSize 10: its way to 20 in flight) in the same run; then ours with
// 10 progress() calls per job through the memory transport, against ours with the same job shape and no reports.
import { randomUUID } from 'node:crypto';
import { Consumer } from 'sqs-consumer';
import { fillQueue, loadInloop, queueDepth, sleep, sqsClient, startFauxqsProcess, waitUntil } from './sqs-support.mjs';

const args = process.argv.slice(2);
const option = (name, fallback) => {
  const index = args.indexOf(`--${name}`);
  return index >= 0 ? Number(args[index + 1]) : fallback;
};
const JOBS = option('jobs', 5000);
const ROUNDS = option('rounds', 1);
const CONCURRENCY = 20;
const MAX_JOB_MS = 50;
const PROGRESS_CALLS = 10;
const RUN_TIMEOUT_MS = 300_000;

const quietLogger = { debug() {}, info() {}, warn() {}, error: (context, message) => console.error(message, context) };

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

function ours(inloop, sqs, { progress, sliced }) {
  return async (queueUrl, finished) => {
    const notifier = inloop.createNotifier(inloop.createMemoryTransport(), {
      store: inloop.createMemoryStore(),
      logger: quietLogger,
    });
    const worker = inloop.createWorker({
      sqs,
      queueUrl,
      notifier,
      concurrency: CONCURRENCY,
      waitTimeSeconds: 1,
      logger: quietLogger,
      handler: async ({ i, ms }, ctx) => {
        if (sliced) {
          for (let step = 1; step <= PROGRESS_CALLS; step += 1) {
            await sleep(ms / PROGRESS_CALLS);
            if (progress) ctx.progress({ done: step, total: PROGRESS_CALLS });
          }
        } else {
          await sleep(ms);
        }
        finished(i);
        return i;
      },
    });
    await worker.start();
    return async () => {
      await worker.stop();
      await notifier.close();
    };
  };
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

async function main() {
  console.log(
    `SQS workers on fauxqs: ${JOBS} jobs of 0–${MAX_JOB_MS} ms, ${CONCURRENCY} in flight, ${ROUNDS} round(s)`,
  );
  const [fauxqs, inloop] = await Promise.all([startFauxqsProcess(), loadInloop()]);
  const sqs = sqsClient(fauxqs.endpoint);
  const results = { ours: [], consumer: [], plain: [], progress: [] };
  try {
    // JIT, sockets and the emulator warm up first, so the first contender is not penalised.
    console.log('warm-up');
    await measure('@inloop/sqs', sqs, ours(inloop, sqs, { progress: true, sliced: true }), 500);
    await measure('sqs-consumer', sqs, sqsConsumer(sqs), 500);
    for (let round = 1; round <= ROUNDS; round += 1) {
      console.log(`round ${round}`);
      results.ours.push(await measure('@inloop/sqs', sqs, ours(inloop, sqs, { progress: false, sliced: false })));
      results.consumer.push(await measure('sqs-consumer 14 (2 × batchSize 10)', sqs, sqsConsumer(sqs)));
      results.plain.push(
        await measure('@inloop/sqs, job in 10 slices', sqs, ours(inloop, sqs, { progress: false, sliced: true })),
      );
      results.progress.push(
        await measure(
          `@inloop/sqs, + ${PROGRESS_CALLS} progress() per job`,
          sqs,
          ours(inloop, sqs, { progress: true, sliced: true }),
        ),
      );
    }
  } finally {
    sqs.destroy();
    fauxqs.stop();
  }
  const speedup = median(results.ours) / median(results.consumer);
  const cost = 1 - median(results.progress) / median(results.plain);
  console.log('');
  console.log(`ours / sqs-consumer: ${speedup.toFixed(2)}×  (target ≥ 1.5×: ${speedup >= 1.5 ? 'met' : 'NOT met'})`);
  console.log(
    `progress reporting cost: ${(cost * 100).toFixed(1)}% of throughput  (target ≤ 5%: ${cost <= 0.05 ? 'met' : 'NOT met'})`,
  );
}

await main();
