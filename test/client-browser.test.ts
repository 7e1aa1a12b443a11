import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Browser, Page, WebSocketRoute } from 'playwright-core';
import type PusherServer from 'pusher';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { BROWSER_BUNDLES, buildBrowserBundle } from '../packages/client/scripts/browser-build.mjs';
import {
  APP,
  type AppServer,
  publishTask,
  pusherServer,
  type RunningRelay,
  startAppServer,
  startRelay,
  taskEvent,
} from '../packages/client/test/relay-harness.js';
import { launchChromium } from './helpers/chromium.js';

const WAIT = { timeout: 30_000 };

let running: RunningRelay;
let server: PusherServer;
let app: AppServer;
let browser: Browser;
let pageServer: Server;
let pageOrigin: string;
let page: Page | undefined;
/** Requests for the HTTP fallback's script since the test began. */
let fallbackScriptRequests = 0;
const CORE_SCRIPT = `/${BROWSER_BUNDLES.iife.file}`;
const FALLBACK_SCRIPT = `/${BROWSER_BUNDLES.http.file}`;
const FULL_SCRIPT = `/${BROWSER_BUNDLES.full.file}`;
/** The page that loads the full bundle instead of the core. */
const FULL_PAGE = '/full';

/**
 * Serves the core IIFE bundle, the HTTP fallback it loads on demand and the full bundle (built now from source,
 * as `npm run build` would), an empty page that includes only the core, and one that includes the full bundle.
 */
async function startPageServer(): Promise<void> {
  const [[core], [fallback], [full]] = await Promise.all([
    buildBrowserBundle('iife'),
    buildBrowserBundle('http'),
    buildBrowserBundle('full'),
  ]);
  const scripts = new Map([
    [CORE_SCRIPT, core?.text],
    [FALLBACK_SCRIPT, fallback?.text],
    [FULL_SCRIPT, full?.text],
  ]);
  pageServer = createServer((request, response) => {
    const script = scripts.get(request.url ?? '');
    if (request.url === FALLBACK_SCRIPT) fallbackScriptRequests++;
    if (script) {
      response.writeHead(200, { 'content-type': 'text/javascript' }).end(script);
    } else {
      const src = request.url === FULL_PAGE ? FULL_SCRIPT : CORE_SCRIPT;
      const html = `<!doctype html><title>inloop</title><script src="${src}"></script>`;
      response.writeHead(200, { 'content-type': 'text/html' }).end(html);
    }
  });
  await new Promise<void>((resolve) => pageServer.listen(0, '127.0.0.1', resolve));
  pageOrigin = `http://127.0.0.1:${(pageServer.address() as AddressInfo).port}`;
}

beforeAll(async () => {
  running = await startRelay();
  server = pusherServer(running.port);
  app = await startAppServer(() => server);
  await startPageServer();
  browser = await launchChromium();
}, 60_000);
afterEach(async () => {
  await page?.context().close();
  page = undefined;
  fallbackScriptRequests = 0;
});
afterAll(async () => {
  await browser?.close();
  await new Promise((resolve) => pageServer?.close(resolve));
  await app?.close();
  await running?.close();
});

interface PageView {
  state: string;
  percent: number;
  seq: number;
  result?: unknown;
}

interface WatchPageOptions {
  /** Give the page the app's status endpoint (default true). */
  statusEndpoint?: boolean;
  /** Runs on the fresh page before it loads and connects (e.g. websocket routes). */
  prepare?: (target: Page) => Promise<void>;
}

/** A fresh page that loads the bundle and watches `taskId` the way an app would, through the `Inloop` global. */
async function watchInPage(taskId: string, options: WatchPageOptions = {}): Promise<Page> {
  const context = await browser.newContext();
  const target = await context.newPage();
  page = target;
  await options.prepare?.(target);
  await target.goto(pageOrigin);
  await target.evaluate(
    ({ key, port, appUrl, taskId, withStatus }) => {
      type Sdk = typeof import('../packages/client/src/index.js');
      const w = window as unknown as Record<string, unknown> & { Inloop: Sdk };
      const views: unknown[] = [];
      w.views = views;
      const client = w.Inloop.connect({
        key,
        wsHost: '127.0.0.1',
        wsPort: port,
        forceTLS: false,
        authEndpoint: `${appUrl}/auth`,
        ...(withStatus ? { statusEndpoint: `${appUrl}/tasks/{id}` } : {}),
        backoff: { initialMs: 100, maxMs: 1_000 },
      });
      w.client = client;
      client.watchTask(taskId, (view) => views.push(view));
    },
    { key: APP.key, port: running.port, appUrl: app.url, taskId, withStatus: options.statusEndpoint ?? true },
  );
  return target;
}

function lastView(target: Page): Promise<PageView | undefined> {
  return target.evaluate(() => ((window as unknown as { views: PageView[] }).views ?? []).at(-1));
}

function transportOf(target: Page): Promise<string | undefined> {
  return target.evaluate(
    () => (window as unknown as { client: { connection: { transport?: string } } }).client.connection.transport,
  );
}

async function subscribedInPage(target: Page, taskId: string): Promise<void> {
  await target.waitForFunction(
    (channel) =>
      (window as unknown as { client: { channel(name: string): { subscribed: boolean } | undefined } }).client.channel(
        channel,
      )?.subscribed === true,
    `private-cache-task-${taskId}`,
    WAIT,
  );
}

async function waitForView(target: Page, expected: Partial<PageView>): Promise<void> {
  await target.waitForFunction(
    (want) => {
      const view = ((window as unknown as { views: Record<string, unknown>[] }).views ?? []).at(-1);
      return view !== undefined && Object.entries(want).every(([key, value]) => view[key] === value);
    },
    expected,
    WAIT,
  );
}

interface Hold {
  on: boolean;
  /** Task events lost so far. */
  lostTaskEvents: number;
}

/** Proxies the page's websockets to the relay; while `hold.on`, frames from the relay are lost. */
function lossyWebSockets(target: Page, hold: Hold): Promise<void> {
  return target.routeWebSocket(/.*/, (ws: WebSocketRoute) => {
    const upstream = ws.connectToServer();
    upstream.onMessage((message) => {
      if (!hold.on) ws.send(message);
      else if (String(message).includes('inloop:task')) hold.lostTaskEvents++;
    });
  });
}

describe('@inloop/client bundle in Chromium', () => {
  it('watches a task to the end over a websocket', async () => {
    const task = 'browser-ws';
    const target = await watchInPage(task);
    await subscribedInPage(target, task);
    expect(await transportOf(target)).toBe('ws');
    await publishTask(server, app, taskEvent(task, 1, { progress: { done: 1, percent: 25 } }));
    await waitForView(target, { seq: 1, percent: 25 });
    await publishTask(server, app, taskEvent(task, 2, { state: 'succeeded', result: { file: 'a.csv' } }));
    await waitForView(target, { state: 'succeeded', percent: 100 });
    expect(await lastView(target)).toMatchObject({ result: { file: 'a.csv' } });
    // A page whose websocket works never downloads the HTTP fallback.
    expect(fallbackScriptRequests).toBe(0);
  }, 60_000);

  it('loads the HTTP fallback and completes over it when websockets are refused', async () => {
    const task = 'browser-fallback';
    let refused = 0;
    const target = await watchInPage(task, {
      prepare: (fresh) =>
        fresh.routeWebSocket(/.*/, (ws) => {
          refused++;
          ws.close({ code: 1006, reason: 'websockets are blocked here' });
        }),
    });
    await subscribedInPage(target, task);
    expect(refused).toBeGreaterThan(0);
    expect(await transportOf(target)).toBe('xhr_streaming');
    expect(fallbackScriptRequests).toBe(1);
    await publishTask(server, app, taskEvent(task, 1, { progress: { done: 1, percent: 50 } }));
    await waitForView(target, { seq: 1, percent: 50 });
    const error = { code: 'E_INPUT', message: 'bad input', retryable: false };
    await publishTask(server, app, taskEvent(task, 2, { state: 'failed', error }));
    await waitForView(target, { state: 'failed', seq: 2 });
    expect(await lastView(target)).toMatchObject({ error });
  }, 60_000);

  it('ends at the right final state after going offline and back online mid-task', async () => {
    const task = 'browser-offline';
    const target = await watchInPage(task);
    await subscribedInPage(target, task);
    await publishTask(server, app, taskEvent(task, 1, { progress: { done: 1, percent: 10 } }));
    await waitForView(target, { seq: 1 });

    await target.context().setOffline(true);
    await publishTask(server, app, taskEvent(task, 2, { progress: { done: 2, percent: 60 } }));
    await publishTask(server, app, taskEvent(task, 3, { state: 'succeeded' }));
    await target.context().setOffline(false);
    // Whether Chromium held the frames back or they were lost, the page ends at the final state
    // (the `online` after `offline` starts a catch-up from the cache channel and the status endpoint).
    await waitForView(target, { state: 'succeeded', percent: 100, seq: 3 });
  }, 60_000);

  it('catches up from the cache channel when a hidden tab becomes visible again', async () => {
    const task = 'browser-hidden';
    const hold: Hold = { on: false, lostTaskEvents: 0 };
    const target = await watchInPage(task, {
      statusEndpoint: false,
      prepare: (fresh) => lossyWebSockets(fresh, hold),
    });
    await subscribedInPage(target, task);
    await publishTask(server, null, taskEvent(task, 1, { progress: { done: 1, percent: 5 } }));
    await waitForView(target, { seq: 1 });

    await setVisibility(target, 'hidden');
    hold.on = true;
    await publishTask(server, null, taskEvent(task, 2, { progress: { done: 2, percent: 45 } }));
    await expect.poll(() => hold.lostTaskEvents, WAIT).toBe(1);
    hold.on = false;
    expect(await lastView(target)).toMatchObject({ seq: 1 });
    await setVisibility(target, 'visible');
    // No status endpoint on this page: the resubscribed cache channel replays the missed event.
    await waitForView(target, { seq: 2, percent: 45 });
  }, 60_000);

  it('runs presence member lists, user sign-in and client events from the full bundle', async () => {
    const context = await browser.newContext();
    const target = await context.newPage();
    page = target;
    await target.goto(`${pageOrigin}${FULL_PAGE}`);
    await target.evaluate(
      async ({ key, port, appUrl }) => {
        type Sdk = typeof import('../packages/client/src/index.js') & {
          PresenceMembers: typeof import('../packages/client/src/presence.js').PresenceMembers;
          UserSession: typeof import('../packages/client/src/user.js').UserSession;
        };
        const w = window as unknown as Record<string, unknown> & { Inloop: Sdk };
        const { Inloop } = w;
        const open = () =>
          Inloop.connect({
            key,
            wsHost: '127.0.0.1',
            wsPort: port,
            forceTLS: false,
            authEndpoint: `${appUrl}/auth`,
            userAuthEndpoint: `${appUrl}/user-auth`,
            presence: Inloop.PresenceMembers,
          });
        const [first, second] = [open(), open()];
        const received: Record<string, unknown[]> = { added: [], typing: [], notes: [] };
        w.received = received;
        const room = first.subscribe('presence-browser-room');
        w.room = room;
        room.bind('pusher:member_added', (member) => received.added!.push(member));
        const chat = second.subscribe('private-browser-chat');
        chat.bind('client-typing', (data) => received.typing!.push(data));
        w.chat = first.subscribe('private-browser-chat');
        const session = new Inloop.UserSession(first);
        session.bind('note', (data) => received.notes!.push(data));
        w.user = await session.signin();
        second.subscribe('presence-browser-room');
      },
      { key: APP.key, port: running.port, appUrl: app.url },
    );
    type Room = { members: { count: number; me: { id: string } | null } };
    await target.waitForFunction(() => (window as unknown as { room: Room }).room.members.count === 2, null, WAIT);
    const seen = await target.evaluate(() => {
      const w = window as unknown as { room: Room; received: { added: unknown[] }; user: { id: string } };
      return { me: w.room.members.me, added: w.received.added, user: w.user };
    });
    expect(seen.user.id).toBe('user-7');
    expect(seen.added).toHaveLength(1);
    expect(seen.added[0]).toMatchObject({ info: { name: 'tester' } });
    expect(seen.me?.id).toMatch(/^user-/);

    await server.sendToUser('user-7', 'note', { text: 'hi' });
    await target.waitForFunction(
      () => (window as unknown as { received: { notes: unknown[] } }).received.notes.length === 1,
      null,
      WAIT,
    );
    await target.waitForFunction(
      () => (window as unknown as { chat: { subscribed: boolean } }).chat.subscribed,
      null,
      WAIT,
    );
    await target.evaluate(() =>
      (window as unknown as { chat: { trigger(event: string, data: unknown): boolean } }).chat.trigger(
        'client-typing',
        { on: true },
      ),
    );
    await target.waitForFunction(
      () => (window as unknown as { received: { typing: unknown[] } }).received.typing.length === 1,
      null,
      WAIT,
    );
    expect(await target.evaluate(() => (window as unknown as { received: unknown }).received)).toMatchObject({
      notes: [{ text: 'hi' }],
      typing: [{ on: true }],
    });
  }, 60_000);
});

/** Headless Chromium keeps its page visible: play the page's side of a tab switch. */
function setVisibility(target: Page, state: 'hidden' | 'visible'): Promise<void> {
  return target.evaluate((value) => {
    Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => value });
    Object.defineProperty(document, 'hidden', { configurable: true, get: () => value === 'hidden' });
    document.dispatchEvent(new Event('visibilitychange'));
  }, state);
}
