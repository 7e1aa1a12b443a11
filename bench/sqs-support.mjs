// Helpers of the SQS benchmark (bench/sqs.mjs): fauxqs in its own process, our packages bundled from source,
// a queue filled with identical jobs for every contender.
import { spawn, spawnSync } from 'node:child_process';
import { rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import {
  CreateQueueCommand,
  DeleteQueueCommand,
  GetQueueAttributesCommand,
  SendMessageBatchCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import { bundleExports } from './workspace-bundle.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

/** The CPUs this process may run on, from `taskset -c -p` ("0-1", "0,2,5-7"); [] without taskset. */
function allowedCpus() {
  const shown = spawnSync('taskset', ['-c', '-p', String(process.pid)], { encoding: 'utf8' });
  const list = shown.status === 0 ? /list:\s*([\d,-]+)/.exec(shown.stdout)?.[1] : undefined;
  if (!list) return [];
  return list.split(',').flatMap((range) => {
    const [from, to = from] = range.split('-').map(Number);
    return Array.from({ length: to - from + 1 }, (_, i) => String(from + i));
  });
}

/**
 * Pins this process (all its threads) to one CPU and returns another for fauxqs, so the emulator and the worker do
 * not take turns on one core; returns undefined (nothing pinned) without `taskset` or with fewer than 2 CPUs.
 */
export function pinBenchProcess() {
  const [fauxqsCpu, benchCpu] = allowedCpus();
  if (benchCpu === undefined) return undefined;
  const pinned = spawnSync('taskset', ['-a', '-p', '-c', benchCpu, String(process.pid)], { stdio: 'ignore' });
  return pinned.status === 0 ? { fauxqsCpu, benchCpu } : undefined;
}

/**
 * Starts fauxqs 1.9.2 in a child process on a free port, so its CPU use is not counted against the worker's; on
 * CPU `cpu` when given (via taskset).
 */
export async function startFauxqsProcess({ cpu } = {}) {
  const nodeArgs = [
    '--input-type=module',
    '-e',
    "import { startFauxqs } from 'fauxqs'; const s = await startFauxqs({ host: '127.0.0.1', port: 0, logger: false }); console.log('PORT ' + s.port);",
  ];
  const [command, commandArgs] =
    cpu === undefined ? [process.execPath, nodeArgs] : ['taskset', ['-c', cpu, process.execPath, ...nodeArgs]];
  // taskset execs node, so the child's pid is fauxqs's own.
  const child = spawn(command, commandArgs, { cwd: root, stdio: ['ignore', 'pipe', 'inherit'] });
  const port = await new Promise((resolve, reject) => {
    let out = '';
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk) => {
      out += chunk;
      const match = /PORT (\d+)/.exec(out);
      if (match) resolve(Number(match[1]));
    });
    child.once('exit', (code) => reject(new Error(`fauxqs exited early (${code})`)));
    setTimeout(() => reject(new Error('fauxqs did not start within 20 s')), 20_000).unref();
  });
  return { endpoint: `http://127.0.0.1:${port}`, stop: () => child.kill('SIGTERM') };
}

export function sqsClient(endpoint) {
  return new SQSClient({
    endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'bench', secretAccessKey: 'bench' },
    // The default 50-socket pool is what an application would have too; it is far above 20 in flight.
  });
}

/**
 * Bundles @inloop/sqs and @inloop/server from their TypeScript sources (no build step needed) into a file under
 * packages/sqs/test-artifacts (git-ignored), where their own dependencies resolve from node_modules.
 */
export async function bundleInloop() {
  const file = await bundleExports(
    'bench-inloop',
    [
      "export { createWorker } from '@inloop/sqs';",
      "export { createNotifier, createMemoryTransport, createMemoryStore } from '@inloop/server';",
    ],
    join(root, 'packages', 'sqs', 'test-artifacts'),
  );
  return { file, remove: () => rm(file, { force: true }) };
}

export const importBundle = (file) => import(pathToFileURL(file).href);

export const CONCURRENCY = 20;
export const PROGRESS_CALLS = 10;
export const quietLogger = {
  debug() {},
  info() {},
  warn() {},
  error: (context, message) => console.error(message, context),
};

/**
 * Starts our worker on `queueUrl`: each job sleeps its duration (in 10 slices when `sliced`, with a progress()
 * call after each when `progress`), then calls finished(i). Returns its stop function and the number of task
 * events the notifier sent so far.
 */
export async function startOurs(inloop, sqs, queueUrl, { progress, sliced }, finished) {
  const transport = inloop.createMemoryTransport();
  let events = 0;
  transport.subscribe('*', () => {
    events += 1;
  });
  const notifier = inloop.createNotifier(transport, { store: inloop.createMemoryStore(), logger: quietLogger });
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
  return {
    stop: async () => {
      await worker.stop();
      await notifier.close();
    },
    events: () => events,
  };
}

/**
 * Creates a queue and fills it with `count` jobs. Each body carries its index and its handler's duration (0–50 ms,
 * from a fixed seed), so every contender gets exactly the same work. Attributes are those enqueue() sets.
 */
export async function fillQueue(sqs, name, count, maxJobMs) {
  const created = await sqs.send(new CreateQueueCommand({ QueueName: name, Attributes: { VisibilityTimeout: '60' } }));
  const queueUrl = created.QueueUrl;
  let seed = 42;
  const random = () => {
    seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
    return seed / 2 ** 31;
  };
  const batches = [];
  for (let start = 0; start < count; start += 10) {
    const entries = [];
    for (let i = start; i < Math.min(count, start + 10); i += 1) {
      entries.push({
        Id: String(i - start),
        MessageBody: JSON.stringify({ i, ms: Math.round(random() * maxJobMs) }),
        MessageAttributes: {
          'inloop.taskId': { DataType: 'String', StringValue: `${name}-${i}` },
          'inloop.owner': { DataType: 'String', StringValue: 'bench' },
        },
      });
    }
    batches.push(entries);
  }
  // A few batches at a time: quick, without flooding the emulator.
  for (let i = 0; i < batches.length; i += 8) {
    await Promise.all(
      batches.slice(i, i + 8).map((Entries) => sqs.send(new SendMessageBatchCommand({ QueueUrl: queueUrl, Entries }))),
    );
  }
  return queueUrl;
}

export async function queueDepth(sqs, queueUrl) {
  const output = await sqs.send(
    new GetQueueAttributesCommand({
      QueueUrl: queueUrl,
      AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'],
    }),
  );
  return (
    Number(output.Attributes?.ApproximateNumberOfMessages ?? 0) +
    Number(output.Attributes?.ApproximateNumberOfMessagesNotVisible ?? 0)
  );
}

/** Deletes a drained queue, so the emulator's state stays the same size from run to run. */
export async function deleteQueue(sqs, queueUrl) {
  await sqs.send(new DeleteQueueCommand({ QueueUrl: queueUrl }));
}

export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Resolves when `condition` holds, or rejects after `timeoutMs` naming what it waited for. */
export async function waitUntil(condition, what, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`benchmark timed out waiting for ${what}`);
    await sleep(5);
  }
}

export const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length / 2;
  return sorted.length % 2 === 1 ? sorted[Math.floor(middle)] : (sorted[middle - 1] + sorted[middle]) / 2;
};

/**
 * 90% bootstrap interval of the median of `values` (2,000 resamples, fixed seed so a run's figures can be
 * re-derived): how far the median of this many paired runs can move by chance alone.
 */
export function bootstrapMedianInterval(values, resamples = 2000) {
  let seed = 7;
  const random = () => {
    seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
    return seed / 2 ** 31;
  };
  const medians = [];
  for (let r = 0; r < resamples; r += 1) {
    medians.push(median(values.map(() => values[Math.floor(random() * values.length)])));
  }
  medians.sort((a, b) => a - b);
  return [medians[Math.floor(resamples * 0.05)], medians[Math.ceil(resamples * 0.95) - 1]];
}
