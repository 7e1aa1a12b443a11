import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { describe, expect, it } from 'vitest';
import { useHostedDemo } from './helpers/hosted-demo.js';

// Ably's hosted REST API cannot be reached from here: msw answers it, at the server side only.
const KEY_NAME = 'demoapp.demokey';
const SECRET = 'ably-demo-secret';
const INLOOP_URL = `ably://${KEY_NAME}:${SECRET}@`;
const REST = 'https://main.realtime.ably.net';
const BASIC = `Basic ${Buffer.from(`${KEY_NAME}:${SECRET}`).toString('base64')}`;

interface Published {
  channel: string;
  name: string;
  data: { task: string; state: string; seq: number };
  authorization: string | null;
}
const published: Published[] = [];

const ably = setupServer(
  http.post(`${REST}/channels/:channel/messages`, async ({ request, params }) => {
    const body = (await request.json()) as { name: string; data: unknown } | { name: string; data: unknown }[];
    for (const message of Array.isArray(body) ? body : [body]) {
      const data = typeof message.data === 'string' ? JSON.parse(message.data) : message.data;
      published.push({
        channel: decodeURIComponent(String(params.channel)),
        name: message.name,
        data,
        authorization: request.headers.get('authorization'),
      });
    }
    return HttpResponse.json({ channel: params.channel, messageId: 'm', serials: ['s'] }, { status: 201 });
  }),
);

const demo = useHostedDemo(INLOOP_URL, ably);

describe('the progress demo with INLOOP_URL=ably://…', { timeout: 150_000 }, () => {
  it('tells the page to connect to Ably', async () => {
    const cookie = await demo.signIn();
    const config = await fetch(`${demo.harness.url}config`, { headers: { cookie } }).then((response) =>
      response.json(),
    );
    expect(config.transport).toEqual({ kind: 'ably' });
  });

  it("publishes a job's events to Ably's REST API with the app's key, from the app and the worker", async () => {
    const cookie = await demo.signIn();
    const { taskId, channel } = await demo.startJob(cookie);

    await expect
      .poll(() => published.some((event) => event.data.task === taskId && event.data.state === 'succeeded'), {
        timeout: 60_000,
        interval: 50,
      })
      .toBe(true);
    const events = published.filter((event) => event.data.task === taskId);
    expect(events.every((event) => event.channel === channel && event.name === 'inloop:task')).toBe(true);
    expect(events.every((event) => event.authorization === BASIC)).toBe(true);
    const states = events.map((event) => event.data.state);
    expect(states[0]).toBe('queued');
    expect(states.at(-1)).toBe('succeeded');
    const seqs = events.map((event) => event.data.seq);
    expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
  });

  it("gives the owner a token request for the task's channel only, and refuses other users", async () => {
    const cookie = await demo.signIn();
    const { channel } = await demo.startJob(cookie);
    const ask = (who: string) =>
      fetch(`${demo.harness.url}inloop/auth`, {
        method: 'POST',
        headers: { cookie: who, 'content-type': 'application/json' },
        body: JSON.stringify({ channels: [channel] }),
      });

    const granted = await ask(cookie);
    expect(granted.status).toBe(200);
    const tokenRequest = (await granted.json()) as { keyName: string; capability: string; mac: string };
    expect(tokenRequest.keyName).toBe(KEY_NAME);
    expect(Object.keys(JSON.parse(tokenRequest.capability))).toEqual([channel]);
    expect(JSON.stringify(tokenRequest)).not.toContain(SECRET);

    const refused = await ask(await demo.signIn());
    expect(refused.status).toBe(403);
  });
});
