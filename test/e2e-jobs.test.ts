import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { GetQueueAttributesCommand } from '@aws-sdk/client-sqs';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DemoPage, isNonDecreasing, openDemoPage } from './helpers/browser.js';
import { launchChromium } from './helpers/chromium.js';
import { type Harness, startHarness } from './helpers/demo-harness.js';
import { artifactsDir } from './helpers/paths.js';

let harness: Harness;
let browser: Browser;
let demoPage: DemoPage;

beforeAll(async () => {
  // The restart delay is long so that the screenshot below can freeze jobs in every state.
  [harness, browser] = await Promise.all([
    startHarness({ relay: 'embedded', stepMs: 120, restartDelayMs: 8_000 }),
    launchChromium(),
  ]);
  demoPage = await openDemoPage(browser, harness.url);
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await harness?.stop();
}, 60_000);

describe('the progress demo in Chromium', { timeout: 150_000 }, () => {
  it('runs a normal job to 100% and success, the percent never going down', async () => {
    const taskId = await demoPage.startJob('normal');
    await demoPage.waitForState(taskId, 'succeeded');
    const history = await demoPage.history(taskId);
    expect(history.percents.at(-1)).toBe(100);
    expect(history.percents.filter((percent) => percent > 0 && percent < 100).length).toBeGreaterThan(1);
    expect(isNonDecreasing(history.percents)).toBe(true);
    expect(history.states).toContain('running');
    expect(await demoPage.card(taskId).locator('.percent').textContent()).toBe('100%');
    expect(await demoPage.connectionState()).toEqual({ state: 'connected', transport: 'ws' });
  });

  it('shows a flaky job retrying, then succeeding on attempt 2', async () => {
    const taskId = await demoPage.startJob('flaky');
    await demoPage.waitForState(taskId, 'succeeded');
    const history = await demoPage.history(taskId);
    const retrying = history.states.indexOf('retrying');
    expect(retrying).toBeGreaterThan(-1);
    expect(history.states.slice(retrying + 1)).toContain('running');
    expect(history.states.at(-1)).toBe('succeeded');
    expect(history.attempts.at(-1)).toBe(2);
    expect(isNonDecreasing(history.percents)).toBe(true);
  });

  it('ends a failing job failed, showing the safe message and no internals', async () => {
    const taskId = await demoPage.startJob('failing');
    await demoPage.waitForState(taskId, 'failed');
    const error = demoPage.card(taskId).locator('.error');
    expect(await error.textContent()).toBe('The card was declined. No money was taken.');
    const text = (await demoPage.card(taskId).textContent()) ?? '';
    expect(text).not.toMatch(/gateway|payments\.internal|tok_demo|at \w+ \(/);
    expect((await demoPage.history(taskId)).states).not.toContain('retrying');
    // Its message ends in the dead-letter queue once the redrive count is reached, and is never run again.
    const { sqs, deadLetterQueueUrl } = harness.demo.queues;
    await expect
      .poll(
        async () => {
          const { Attributes } = await sqs.send(
            new GetQueueAttributesCommand({
              QueueUrl: deadLetterQueueUrl,
              AttributeNames: ['ApproximateNumberOfMessages'],
            }),
          );
          return Number(Attributes?.ApproximateNumberOfMessages);
        },
        { timeout: 60_000, interval: 200 },
      )
      .toBe(1);
    expect(harness.workerLines.filter((line) => line.event === 'started' && line.taskId === taskId)).toHaveLength(1);
  });

  it('cancels a long job: the page ends cancelled and the worker stops it', async () => {
    const taskId = await demoPage.startJob('long');
    await demoPage.waitForPercent(taskId, 10);
    await demoPage.card(taskId).locator('button.cancel').click();
    await demoPage.waitForState(taskId, 'cancelled');
    const stopped = await harness.waitForWorkerLine((line) => line.event === 'stopped' && line.taskId === taskId);
    expect(stopped.done).toBeLessThan(30);
    await harness.waitForWorkerLine((line) => line.event === 'cancelled' && line.taskId === taskId);
    expect(harness.workerLines.some((line) => line.event === 'succeeded' && line.taskId === taskId)).toBe(false);
    const history = await demoPage.history(taskId);
    expect(history.percents.at(-1)).toBeLessThan(100);
    expect(await demoPage.card(taskId).locator('button.cancel').isHidden()).toBe(true);
  });

  it("answers 403 for another user's task on the auth and status endpoints", async () => {
    const taskId = await demoPage.startJob('normal');
    await demoPage.waitForState(taskId, 'succeeded');
    const own = await demoPage.page.request.get(`${harness.url}tasks/${taskId}`);
    expect(own.status()).toBe(200);
    expect(await own.json()).toMatchObject({ task: taskId, state: 'succeeded' });

    const stranger = { cookie: 'demo_user=user-0123456789ab' };
    const status = await fetch(`${harness.url}tasks/${taskId}`, { headers: stranger });
    expect(status.status).toBe(403);
    const cancel = await fetch(`${harness.url}tasks/${taskId}/cancel`, { method: 'POST', headers: stranger });
    expect(cancel.status).toBe(403);
    const auth = await fetch(`${harness.url}inloop/auth`, {
      method: 'POST',
      headers: { ...stranger, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ socket_id: '1234.5678', channel_name: `private-cache-task-${taskId}` }),
    });
    expect(auth.status).toBe(403);
    const anonymous = await fetch(`${harness.url}tasks/${taskId}`);
    expect(anonymous.status).toBe(401);
  });

  it('saves a screenshot with jobs in every state', async () => {
    const flaky = await demoPage.startJob('flaky');
    const long = await demoPage.startJob('long');
    await demoPage.waitForPercent(long, 5);
    await demoPage.waitForState(flaky, 'retrying');
    // Killed now, the worker leaves the long job running and the flaky one retrying on the page until it is back.
    harness.demo.supervisor?.kill('SIGKILL');
    const queued = await demoPage.startJob('normal');
    await demoPage.waitForState(queued, 'queued');
    const shown = await demoPage.page.$$eval('li.job', (cards) => cards.map((card) => card.getAttribute('data-state')));
    expect(new Set(shown)).toEqual(new Set(['queued', 'running', 'retrying', 'succeeded', 'failed', 'cancelled']));
    mkdirSync(artifactsDir, { recursive: true });
    await demoPage.page.screenshot({ path: join(artifactsDir, 'progress-demo.png'), fullPage: true });
  });
});
