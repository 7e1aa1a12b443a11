import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { configFromEnv, relayUrl } from '../../examples/progress-demo/src/config.js';
import { type RunningDemo, startDemo } from '../../examples/progress-demo/src/demo.js';
import { createLogger } from '../../examples/progress-demo/src/log.js';
import { bundleDemoEntry, clientIifeBundle } from './bundles.js';
import { demoDir } from './paths.js';
import { RelayProcess } from './relay-process.js';

export interface HarnessOptions {
  /** Pause between progress reports of a job. */
  stepMs: number;
  visibilitySeconds?: number;
  restartDelayMs?: number;
  /** `child`: the relay runs as its own process the test can kill; `embedded`: in the demo, like `npm start`. */
  relay: 'child' | 'embedded' | 'none';
  /** A transport URL instead of the relay (relay: 'none'). */
  inloopUrl?: string;
  startWorker?: boolean;
}

export interface WorkerLine {
  event?: string;
  taskId?: string;
  attempt?: number;
  level?: string;
  [key: string]: unknown;
}

export interface Harness {
  demo: RunningDemo;
  url: string;
  relay: RelayProcess | undefined;
  /** Log lines of the worker processes, parsed. */
  workerLines: WorkerLine[];
  waitForWorkerLine(match: (line: WorkerLine) => boolean, timeoutMs?: number): Promise<WorkerLine>;
  stop(): Promise<void>;
}

const APP = { appId: 'e2e-app', key: 'e2e-key', secret: 'e2e-secret' };

/** Starts the demo's parts on free ports for one test file. */
export async function startHarness(options: HarnessOptions): Promise<Harness> {
  const [workerEntry, clientBundle] = await Promise.all([bundleDemoEntry('worker-main'), clientIifeBundle()]);
  const bundles = [workerEntry];
  let relay: RelayProcess | undefined;
  if (options.relay === 'child') {
    const relayEntry = await bundleDemoEntry('relay-main');
    bundles.push(relayEntry);
    relay = new RelayProcess(relayEntry, APP);
    await relay.start();
  }
  const env: Record<string, string> = {
    DEMO_PORT: '0',
    RELAY_PORT: '0',
    RELAY_APP_ID: APP.appId,
    RELAY_KEY: APP.key,
    RELAY_SECRET: APP.secret,
    DEMO_STEP_MS: String(options.stepMs),
    DEMO_VISIBILITY_SECONDS: String(options.visibilitySeconds ?? 3),
    DEMO_RESTART_DELAY_MS: String(options.restartDelayMs ?? 200),
    DEMO_LOG_LEVEL: 'info',
  };
  if (relay) env.INLOOP_URL = relayUrl({ ...APP, port: relay.port });
  else if (options.inloopUrl) env.INLOOP_URL = options.inloopUrl;
  const demo = await startDemo({
    config: configFromEnv(env),
    clientBundle,
    publicDir: join(demoDir, 'public'),
    workerEntry,
    logger: createLogger('demo', 'error'),
    startWorker: options.startWorker ?? true,
  });

  const workerLines: WorkerLine[] = [];
  const waiters = new Set<{ match: (line: WorkerLine) => boolean; resolve: (line: WorkerLine) => void }>();
  demo.supervisor?.on('line', (text) => {
    let line: WorkerLine;
    try {
      line = JSON.parse(text) as WorkerLine;
    } catch {
      return;
    }
    workerLines.push(line);
    for (const waiter of waiters) if (waiter.match(line)) waiter.resolve(line);
  });

  return {
    demo,
    url: demo.url.replace('localhost', '127.0.0.1'),
    relay,
    workerLines,
    waitForWorkerLine(match, timeoutMs = 60_000) {
      const seen = workerLines.find(match);
      if (seen) return Promise.resolve(seen);
      return new Promise((resolve, reject) => {
        const waiter = {
          match,
          resolve: (line: WorkerLine) => {
            clearTimeout(timer);
            waiters.delete(waiter);
            resolve(line);
          },
        };
        const timer = setTimeout(() => {
          waiters.delete(waiter);
          reject(new Error(`no matching worker line within ${timeoutMs} ms`));
        }, timeoutMs);
        waiters.add(waiter);
      });
    },
    async stop() {
      await demo.stop();
      await relay?.stop();
      await Promise.all(bundles.map((file) => rm(file, { force: true })));
    },
  };
}
