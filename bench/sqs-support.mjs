// Helpers of the SQS benchmark (bench/sqs.mjs): fauxqs in its own process, our packages bundled from source,
// a queue filled with identical jobs for every contender.
import { spawn } from 'node:child_process';
import { rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { CreateQueueCommand, GetQueueAttributesCommand, SendMessageBatchCommand, SQSClient } from '@aws-sdk/client-sqs';
import { bundleExports } from './workspace-bundle.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

/** Starts fauxqs 1.9.2 in a child process on a free port, so its CPU use is not counted against the worker's. */
export async function startFauxqsProcess() {
  const child = spawn(
    process.execPath,
    [
      '--input-type=module',
      '-e',
      "import { startFauxqs } from 'fauxqs'; const s = await startFauxqs({ host: '127.0.0.1', port: 0, logger: false }); console.log('PORT ' + s.port);",
    ],
    { cwd: root, stdio: ['ignore', 'pipe', 'inherit'] },
  );
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
 * call after each when `progress`), then calls finished(i). Returns its stop function.
 */
export async function startOurs(inloop, sqs, queueUrl, { progress, sliced }, finished) {
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

export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Resolves when `condition` holds, or rejects after `timeoutMs` naming what it waited for. */
export async function waitUntil(condition, what, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`benchmark timed out waiting for ${what}`);
    await sleep(5);
  }
}
