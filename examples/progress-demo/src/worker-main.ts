// The worker process: forked by the supervisor, it reaches the app's task store over IPC.
import { createNotifier } from '@inloop/server';
import { createLogger } from './log.js';
import { sqsClientFor } from './queues.js';
import { createIpcStore } from './store-ipc.js';
import { createDemoWorker } from './worker.js';

const logger = createLogger('worker');
const required = (name: string): string => {
  const value = process.env[name];
  if (!value) {
    logger.error({ variable: name }, `the worker needs ${name}; it is started by the demo, not by hand`);
    process.exit(2);
  }
  return value;
};

const sqs = sqsClientFor(required('DEMO_SQS_ENDPOINT'));
const store = createIpcStore();
const notifier = createNotifier(required('INLOOP_URL'), { store, logger, throttleMs: 100 });
const worker = createDemoWorker({
  sqs,
  queueUrl: required('DEMO_QUEUE_URL'),
  notifier,
  stepMs: Number(process.env.DEMO_STEP_MS ?? 400),
  logger,
});

let stopping = false;
async function stop(signal: string): Promise<void> {
  if (stopping) return;
  stopping = true;
  logger.info({ event: 'stopping', signal }, 'worker stopping');
  await worker.stop();
  await notifier.close();
  await store.close();
  sqs.destroy();
  if (process.connected) process.disconnect();
}
process.once('SIGTERM', () => void stop('SIGTERM'));
process.once('SIGINT', () => void stop('SIGINT'));
// The parent went away without a signal: nothing to report to any more.
process.once('disconnect', () => void stop('disconnect'));

await worker.start();
logger.info({ event: 'ready', pid: process.pid }, 'worker ready');
