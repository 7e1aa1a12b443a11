import type { Browser, Page } from 'playwright-core';
import type { JobKind } from '../../examples/progress-demo/src/jobs.js';

/** What the page showed for one task, recorded from the DOM each time a card's data-* attributes changed. */
export interface CardHistory {
  percents: number[];
  states: string[];
  attempts: number[];
}

declare global {
  interface Window {
    __cardHistory: Record<string, CardHistory>;
  }
}

/**
 * Runs in the page before its scripts: records every value each job card's state, percent and attempt took,
 * including values overwritten within one task (read from the mutation records' old values).
 */
function recordCards(): void {
  window.__cardHistory = {};
  const lists = { 'data-percent': 'percents', 'data-state': 'states', 'data-attempt': 'attempts' } as const;
  const historyOf = (card: HTMLElement) => {
    const taskId = card.dataset.taskId;
    if (!taskId) return undefined;
    window.__cardHistory[taskId] ??= { percents: [], states: [], attempts: [] };
    return window.__cardHistory[taskId];
  };
  const push = (history: CardHistory, attribute: keyof typeof lists, raw: string | null) => {
    if (raw === null) return;
    const list = history[lists[attribute]] as (string | number)[];
    const value = attribute === 'data-state' ? raw : Number(raw);
    if (list.at(-1) !== value) list.push(value);
  };
  const pushCurrent = (card: HTMLElement) => {
    const history = historyOf(card);
    if (!history) return;
    for (const attribute of Object.keys(lists) as (keyof typeof lists)[])
      push(history, attribute, card.getAttribute(attribute));
  };
  new MutationObserver((mutations) => {
    const touched = new Set<HTMLElement>();
    for (const mutation of mutations) {
      const target = mutation.target as HTMLElement;
      if (mutation.type === 'attributes' && mutation.attributeName) {
        const history = historyOf(target);
        if (history) push(history, mutation.attributeName as keyof typeof lists, mutation.oldValue);
        touched.add(target);
      }
      for (const node of mutation.addedNodes) if (node instanceof HTMLElement) touched.add(node);
    }
    for (const card of touched) pushCurrent(card);
  }).observe(document, {
    subtree: true,
    childList: true,
    attributes: true,
    attributeOldValue: true,
    attributeFilter: Object.keys(lists),
  });
}

/** Runs in the page before its scripts: every websocket fails to open, as behind a proxy that blocks them. */
function refuseWebSockets(): void {
  class RefusedWebSocket extends EventTarget {
    static readonly CONNECTING = 0;
    static readonly OPEN = 1;
    static readonly CLOSING = 2;
    static readonly CLOSED = 3;
    readyState = 0;
    onopen: ((event: Event) => void) | null = null;
    onmessage: ((event: MessageEvent) => void) | null = null;
    onerror: ((event: Event) => void) | null = null;
    onclose: ((event: CloseEvent) => void) | null = null;
    constructor(readonly url: string) {
      super();
      (window as unknown as { __refusedWebSockets: number }).__refusedWebSockets =
        ((window as unknown as { __refusedWebSockets?: number }).__refusedWebSockets ?? 0) + 1;
      setTimeout(() => {
        this.readyState = 3;
        const error = new Event('error');
        this.onerror?.(error);
        this.dispatchEvent(error);
        const close = new CloseEvent('close', { code: 1006, reason: '', wasClean: false });
        this.onclose?.(close);
        this.dispatchEvent(close);
      }, 20);
    }
    send(): void {
      throw new DOMException('not open', 'InvalidStateError');
    }
    close(): void {}
  }
  (window as unknown as { WebSocket: unknown }).WebSocket = RefusedWebSocket;
}

export interface DemoPage {
  page: Page;
  /** Clicks the kind's button; resolves with the new task's id once its card is on the page. */
  startJob(kind: JobKind): Promise<string>;
  /** Waits until the task's card shows `state` (generous safety-net timeout). */
  waitForState(taskId: string, state: string, timeoutMs?: number): Promise<void>;
  /** Waits until the card's percent is at least `percent`. */
  waitForPercent(taskId: string, percent: number, timeoutMs?: number): Promise<void>;
  history(taskId: string): Promise<CardHistory>;
  card(taskId: string): ReturnType<Page['locator']>;
  connectionState(): Promise<{ state: string; transport: string }>;
  waitForConnection(state: string, timeoutMs?: number): Promise<void>;
}

export async function openDemoPage(
  browser: Browser,
  url: string,
  options: { refuseWebSockets?: boolean; cookie?: string } = {},
): Promise<DemoPage> {
  const context = await browser.newContext({ viewport: { width: 820, height: 900 } });
  const page = await context.newPage();
  await page.addInitScript(recordCards);
  if (options.refuseWebSockets) await page.addInitScript(refuseWebSockets);
  await page.goto(url);
  await page.waitForSelector('body[data-ready="true"]', { timeout: 30_000 });
  const selector = (taskId: string) => `li.job[data-task-id="${taskId}"]`;

  return {
    page,
    async startJob(kind) {
      const answer = page.waitForResponse(
        (response) => response.url().endsWith('/jobs') && response.request().method() === 'POST',
      );
      await page.click(`.start button[data-kind="${kind}"]`);
      const response = await answer;
      if (response.status() !== 202) throw new Error(`POST /jobs answered ${response.status()}`);
      const { taskId } = (await response.json()) as { taskId: string };
      await page.waitForSelector(selector(taskId), { state: 'attached' });
      return taskId;
    },
    async waitForState(taskId, state, timeoutMs = 60_000) {
      await page.waitForFunction(
        ([sel, wanted]) => document.querySelector<HTMLElement>(sel as string)?.dataset.state === wanted,
        [selector(taskId), state],
        { timeout: timeoutMs, polling: 50 },
      );
    },
    async waitForPercent(taskId, percent, timeoutMs = 60_000) {
      await page.waitForFunction(
        ([sel, wanted]) =>
          Number(document.querySelector<HTMLElement>(sel as string)?.dataset.percent) >= Number(wanted),
        [selector(taskId), percent],
        { timeout: timeoutMs, polling: 50 },
      );
    },
    history: (taskId) =>
      page.evaluate((id) => window.__cardHistory[id] ?? { percents: [], states: [], attempts: [] }, taskId),
    card: (taskId) => page.locator(selector(taskId)),
    connectionState: () =>
      page.evaluate(() => ({
        state: document.getElementById('connection')?.dataset.state ?? '',
        transport: document.getElementById('connection-transport')?.textContent ?? '',
      })),
    async waitForConnection(state, timeoutMs = 60_000) {
      await page.waitForFunction((wanted) => document.getElementById('connection')?.dataset.state === wanted, state, {
        timeout: timeoutMs,
        polling: 50,
      });
    },
  };
}

/** Percents as recorded, in order: never lower than the one before. */
export function isNonDecreasing(values: number[]): boolean {
  return values.every((value, index) => index === 0 || value >= (values[index - 1] ?? 0));
}
