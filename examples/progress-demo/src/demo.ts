import { createMemoryStore, createNotifier, type Notifier, type TaskStore } from '@inloop/server';
import type { Relay } from '@inloop/relay';
import type { FastifyInstance } from 'fastify';
import { buildApp } from './app.js';
import { pageTransportOf } from './client-config.js';
import { type DemoConfig, relayUrl } from './config.js';
import type { DemoLogger } from './log.js';
import { type DemoQueues, startQueues } from './queues.js';
import { startRelay } from './relay.js';
import { WorkerSupervisor } from './supervisor.js';

export interface DemoOptions {
  config: DemoConfig;
  clientBundle: string;
  publicDir: string;
  /** The worker process's entry file. */
  workerEntry: string;
  workerExecArgv?: string[];
  logger: DemoLogger;
  /** Start the worker child process. Default true. */
  startWorker?: boolean;
}

export interface RunningDemo {
  url: string;
  /** The transport URL the app and the worker use. */
  inloopUrl: string;
  relay: Relay | undefined;
  queues: DemoQueues;
  store: TaskStore;
  notifier: Notifier;
  app: FastifyInstance;
  supervisor: WorkerSupervisor | undefined;
  stop(): Promise<void>;
}

/** Starts every part of the demo in this process tree; stop() undoes it in reverse order. */
export async function startDemo(options: DemoOptions): Promise<RunningDemo> {
  const { config, logger } = options;
  const cleanups: (() => Promise<void>)[] = [];
  const stop = async () => {
    for (const cleanup of cleanups.splice(0).reverse()) {
      await cleanup().catch((error: unknown) => logger.error({ err: error }, 'error while stopping'));
    }
  };
  try {
    const queues = await startQueues(config);
    cleanups.push(() => queues.stop());

    let relay: Relay | undefined;
    let inloopUrl = config.inloopUrl;
    if (config.embeddedRelay) {
      const started = await startRelay(config.relay);
      relay = started.relay;
      cleanups.push(() => started.relay.close());
      inloopUrl = relayUrl({ ...config.relay, port: started.port });
    }

    const store = createMemoryStore();
    cleanups.push(() => store.close());
    const notifier = createNotifier(inloopUrl, { store, logger });
    cleanups.push(() => notifier.close());

    const app = await buildApp({
      notifier,
      sqs: queues.sqs,
      queueUrl: queues.queueUrl,
      transport: pageTransportOf(inloopUrl),
      clientBundle: options.clientBundle,
      publicDir: options.publicDir,
      logger,
    });
    await app.listen({ port: config.port, host: config.host });
    cleanups.push(() => app.close());
    const address = app.server.address();
    const port = typeof address === 'object' && address ? address.port : config.port;
    const shownHost = config.host === '0.0.0.0' || config.host === '127.0.0.1' ? 'localhost' : config.host;

    let supervisor: WorkerSupervisor | undefined;
    if (options.startWorker ?? true) {
      const running = new WorkerSupervisor({
        entry: options.workerEntry,
        execArgv: options.workerExecArgv,
        store,
        restartDelayMs: config.restartDelayMs,
        logger,
        env: {
          INLOOP_URL: inloopUrl,
          DEMO_SQS_ENDPOINT: queues.endpoint,
          DEMO_QUEUE_URL: queues.queueUrl,
          DEMO_STEP_MS: String(config.stepMs),
        },
      });
      running.start();
      supervisor = running;
      // Stopped first: the worker finishes or releases its jobs while the app and the store are still up.
      cleanups.push(() => running.stop());
    }

    return { url: `http://${shownHost}:${port}/`, inloopUrl, relay, queues, store, notifier, app, supervisor, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
