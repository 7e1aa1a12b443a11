import { readFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { createRequire } from 'node:module';
import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../../../test/helpers/chromium.js';
import { APP, type RunningRelay, startRelay } from './helpers.js';

let running: RunningRelay;
let browser: Browser;
let pageServer: Server;
let pageOrigin: string;
let page: Page | undefined;

/** Serves a blank page and pusher-js's browser build, from another origin than the relay's. */
async function startPageServer(): Promise<void> {
  const require = createRequire(import.meta.url);
  const pusherJs = await readFile(require.resolve('pusher-js/dist/web/pusher.min.js'));
  pageServer = createServer((request, response) => {
    if (request.url === '/pusher.min.js') {
      response.writeHead(200, { 'content-type': 'text/javascript' }).end(pusherJs);
    } else {
      const html = '<!doctype html><title>relay</title><script src="/pusher.min.js"></script>';
      response.writeHead(200, { 'content-type': 'text/html' }).end(html);
    }
  });
  await new Promise<void>((resolve) => pageServer.listen(0, '127.0.0.1', resolve));
  const address = pageServer.address();
  pageOrigin = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
}

beforeAll(async () => {
  running = await startRelay();
  await startPageServer();
  browser = await launchChromium();
}, 60_000);
afterEach(async () => {
  await page?.context().close();
  page = undefined;
});
afterAll(async () => {
  await browser?.close();
  await new Promise((resolve) => pageServer?.close(resolve));
  await running?.close();
});

/** A fresh page (fresh context: pusher-js caches the last good transport in localStorage). */
async function openPage(): Promise<Page> {
  const context = await browser.newContext();
  page = await context.newPage();
  // Private channels are signed in Node by the official `pusher` library, as an app's auth endpoint would.
  await page.exposeFunction('signChannel', (socketId: string, channelName: string) =>
    running.server.authorizeChannel(socketId, channelName),
  );
  await page.goto(`${pageOrigin}/`);
  return page;
}

/** What the page's pusher-js (and this test's globals) look like from inside the page. */
interface PageChannel {
  bind(event: string, listener: (data: unknown) => void): void;
}
interface PageWindow {
  Pusher: new (
    key: string,
    options: object,
  ) => {
    subscribe(channel: string): PageChannel;
    connection: { connection: { transport: { name: string } } };
  };
  signChannel(socketId: string, channelName: string): Promise<unknown>;
  received: unknown[];
}

/** Connects pusher-js in the page, subscribes, and resolves with the transport pusher-js ended up using. */
function connectInPage(target: Page, channel: string): Promise<string> {
  return target.evaluate(
    async ({ key, port, channel }) => {
      const w = window as unknown as PageWindow;
      const pusher = new w.Pusher(key, {
        cluster: 'x',
        wsHost: '127.0.0.1',
        wsPort: port,
        httpHost: '127.0.0.1',
        httpPort: port,
        forceTLS: false,
        disableStats: true,
        channelAuthorization: {
          endpoint: '/unused',
          transport: 'ajax',
          customHandler: (
            params: { socketId: string; channelName: string },
            callback: (error: Error | null, auth: unknown) => void,
          ) => {
            w.signChannel(params.socketId, params.channelName).then((auth: unknown) => callback(null, auth));
          },
        },
      });
      const subscription = pusher.subscribe(channel);
      w.received = [];
      subscription.bind('progress', (data) => w.received.push(data));
      await new Promise<void>((resolve, reject) => {
        subscription.bind('pusher:subscription_succeeded', () => resolve());
        subscription.bind('pusher:subscription_error', (error) => reject(new Error(JSON.stringify(error))));
      });
      return pusher.connection.connection.transport.name;
    },
    { key: APP.key, port: running.port, channel },
  );
}

/** Resolves once the page received an event (checked in the page on every delivery). */
function receivedInPage(target: Page): Promise<unknown> {
  return target
    .waitForFunction(() => (window as unknown as PageWindow).received.length > 0, undefined, {
      timeout: 30_000,
    })
    .then(() => target.evaluate(() => (window as unknown as PageWindow).received[0]));
}

describe('pusher-js browser build in Chromium', () => {
  it('receives an event over a websocket', async () => {
    const target = await openPage();
    expect(await connectInPage(target, 'browser-ws')).toBe('ws');
    const received = receivedInPage(target);
    await running.server.trigger('browser-ws', 'progress', { percent: 40 });
    expect(await received).toEqual({ percent: 40 });
  }, 60_000);

  it('falls back to HTTP streaming when websockets are refused, and receives on a private channel', async () => {
    const target = await openPage();
    let refusedWebsockets = 0;
    await target.routeWebSocket(/.*/, (ws) => {
      refusedWebsockets++;
      ws.close({ code: 1006, reason: 'websockets are blocked here' });
    });
    const transport = await connectInPage(target, 'private-browser-fallback');
    expect(refusedWebsockets).toBeGreaterThan(0);
    expect(transport).toBe('xhr_streaming');
    const received = receivedInPage(target);
    await running.server.trigger('private-browser-fallback', 'progress', { percent: 90 });
    expect(await received).toEqual({ percent: 90 });
  }, 60_000);
});
