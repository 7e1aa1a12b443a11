import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isNonDecreasing, openDemoPage } from './helpers/browser.js';
import { launchChromium } from './helpers/chromium.js';
import { type Harness, startHarness } from './helpers/demo-harness.js';

let harness: Harness;
let browser: Browser;

beforeAll(async () => {
  [harness, browser] = await Promise.all([
    startHarness({
      relay: 'child',
      stepMs: 150,
      // Longer than the worker's 1 s long poll: the poll a SIGKILLed worker left open must end before its job's
      // message is visible again, or the emulator hands the message to the dead poll and attempt 2 is lost.
      visibilitySeconds: 4,
    }),
    launchChromium(),
  ]);
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await harness?.stop();
}, 60_000);

const relay = () => {
  if (!harness.relay) throw new Error('this suite runs the relay as a child process');
  return harness.relay;
};

describe('the progress demo when things break', { timeout: 150_000 }, () => {
  it('reconnects after the relay is killed mid-job and restarted, and ends succeeded', async () => {
    const demoPage = await openDemoPage(browser, harness.url);
    await demoPage.waitForConnection('connected');
    const taskId = await demoPage.startJob('long');
    await demoPage.waitForPercent(taskId, 10);
    await relay().kill();
    await demoPage.page.waitForFunction(
      () => document.getElementById('connection')?.dataset.state !== 'connected',
      null,
      {
        timeout: 60_000,
      },
    );
    await relay().start();
    await demoPage.waitForConnection('connected');
    await demoPage.waitForState(taskId, 'succeeded');
    const history = await demoPage.history(taskId);
    expect(history.percents.at(-1)).toBe(100);
    expect(isNonDecreasing(history.percents)).toBe(true);
    await demoPage.page.context().close();
  });

  it('completes over the HTTP fallback when websockets are refused', async () => {
    const demoPage = await openDemoPage(browser, harness.url, { refuseWebSockets: true });
    await demoPage.waitForConnection('connected');
    const taskId = await demoPage.startJob('normal');
    await demoPage.waitForState(taskId, 'succeeded');
    const { transport } = await demoPage.connectionState();
    expect(['xhr_streaming', 'xhr_polling']).toContain(transport);
    expect(
      await demoPage.page.evaluate(() => (window as { __refusedWebSockets?: number }).__refusedWebSockets),
    ).toBeGreaterThan(0);
    const history = await demoPage.history(taskId);
    expect(history.states).toContain('running');
    expect(isNonDecreasing(history.percents)).toBe(true);
    await demoPage.page.context().close();
  });

  it('ends in the right state from the status endpoint when the relay is down for the whole job', async () => {
    await relay().kill();
    try {
      const demoPage = await openDemoPage(browser, harness.url);
      await demoPage.waitForConnection('unavailable');
      const statusReads: string[] = [];
      demoPage.page.on('request', (request) => {
        if (request.method() === 'GET' && /\/tasks\/[^/]+$/.test(new URL(request.url()).pathname)) {
          statusReads.push(request.url());
        }
      });
      const flaky = await demoPage.startJob('flaky');
      const failing = await demoPage.startJob('failing');
      await demoPage.waitForState(failing, 'failed');
      await demoPage.waitForState(flaky, 'succeeded');
      expect(await demoPage.card(failing).locator('.error').textContent()).toBe(
        'The card was declined. No money was taken.',
      );
      expect((await demoPage.connectionState()).state).not.toBe('connected');
      expect(statusReads.some((url) => url.endsWith(`/tasks/${flaky}`))).toBe(true);
      expect(statusReads.some((url) => url.endsWith(`/tasks/${failing}`))).toBe(true);
      await demoPage.page.context().close();
    } finally {
      await relay().start();
    }
  });

  it('finishes a job on attempt 2 after the worker is SIGKILLed mid-job and restarted', async () => {
    const demoPage = await openDemoPage(browser, harness.url);
    await demoPage.waitForConnection('connected');
    const taskId = await demoPage.startJob('long');
    await demoPage.waitForPercent(taskId, 10);
    const killedPid = harness.demo.supervisor?.pid;
    expect(harness.demo.supervisor?.kill('SIGKILL')).toBe(true);
    const started = await harness.waitForWorkerLine(
      (line) => line.event === 'started' && line.taskId === taskId && line.attempt === 2,
    );
    expect(started.attempt).toBe(2);
    expect(harness.demo.supervisor?.pid).not.toBe(killedPid);
    await demoPage.waitForState(taskId, 'succeeded');
    expect(await demoPage.card(taskId).getAttribute('data-attempt')).toBe('2');
    expect(await demoPage.card(taskId).locator('.attempt').textContent()).toBe('attempt 2');
    const history = await demoPage.history(taskId);
    expect(history.attempts).toContain(1);
    expect(isNonDecreasing(history.percents)).toBe(true);
    await demoPage.page.context().close();
  });
});
