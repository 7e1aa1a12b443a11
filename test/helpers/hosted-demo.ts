import type { SetupServer } from 'msw/node';
import { afterAll, beforeAll } from 'vitest';
import { createLogger } from '../../examples/progress-demo/src/log.js';
import { createDemoWorker } from '../../examples/progress-demo/src/worker.js';
import { type Harness, startHarness } from './demo-harness.js';

/** The demo on a hosted provider whose REST API msw answers: no relay, and the worker in this process. */
export interface HostedDemo {
  harness: Harness;
  /** Opens the page as a new demo user; returns that user's cookie. */
  signIn(): Promise<string>;
  /** Starts a job of `kind` as the user of `cookie`. */
  startJob(cookie: string, kind?: string): Promise<{ taskId: string; channel: string }>;
}

/** Starts the demo with `inloopUrl` before a file's tests and stops it after them, with msw listening meanwhile. */
export function useHostedDemo(inloopUrl: string, provider: SetupServer): HostedDemo {
  let worker: ReturnType<typeof createDemoWorker> | undefined;
  const demo = {
    async signIn() {
      const page = await fetch(demo.harness.url);
      const cookie = page.headers.get('set-cookie')?.split(';')[0];
      if (!cookie) throw new Error('the page set no demo user cookie');
      return cookie;
    },
    async startJob(cookie: string, kind = 'normal') {
      const response = await fetch(`${demo.harness.url}jobs`, {
        method: 'POST',
        headers: { cookie, 'content-type': 'application/json' },
        body: JSON.stringify({ kind }),
      });
      if (response.status !== 202) throw new Error(`POST /jobs answered ${response.status}`);
      return (await response.json()) as { taskId: string; channel: string };
    },
  } as HostedDemo;

  beforeAll(async () => {
    provider.listen({ onUnhandledRequest: 'bypass' });
    demo.harness = await startHarness({ relay: 'none', inloopUrl, stepMs: 20, startWorker: false });
    // In this process, so that msw sees the worker's requests to the provider too.
    worker = createDemoWorker({
      sqs: demo.harness.demo.queues.sqs,
      queueUrl: demo.harness.demo.queues.queueUrl,
      notifier: demo.harness.demo.notifier,
      stepMs: 20,
      logger: createLogger('worker', 'error'),
    });
    await worker.start();
  }, 180_000);

  afterAll(async () => {
    await worker?.stop();
    await demo.harness?.stop();
    provider.close();
  }, 60_000);

  return demo;
}
