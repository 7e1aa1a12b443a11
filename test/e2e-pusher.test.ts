import { verifyChannelAuthorization, verifyRequest } from '@inloop/protocol/signing';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { describe, expect, it } from 'vitest';
import { useHostedDemo } from './helpers/hosted-demo.js';

// Pusher's hosted REST API cannot be reached from here: msw answers it, at the server side only.
const KEY = 'pusher-demo-key';
const SECRET = 'pusher-demo-secret';
const APP_ID = '424242';
const INLOOP_URL = `pusher://${KEY}:${SECRET}@api-eu.pusher.com/${APP_ID}`;

interface Triggered {
  channels: string[];
  name: string;
  data: { task: string; state: string; seq: number; attempt: number; progress?: { percent?: number } };
  signatureOk: boolean;
}
const triggered: Triggered[] = [];

const pusher = setupServer(
  http.post(`https://api-eu.pusher.com/apps/${APP_ID}/events`, async ({ request }) => {
    const url = new URL(request.url);
    const raw = await request.text();
    const verdict = verifyRequest({
      method: 'POST',
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      body: raw,
      secretForKey: (key) => (key === KEY ? SECRET : undefined),
    });
    const body = JSON.parse(raw) as { channels: string[]; name: string; data: string };
    triggered.push({ channels: body.channels, name: body.name, data: JSON.parse(body.data), signatureOk: verdict.ok });
    return HttpResponse.json({});
  }),
);

const demo = useHostedDemo(INLOOP_URL, pusher);

describe('the progress demo with INLOOP_URL=pusher://…', { timeout: 150_000 }, () => {
  it('tells the page to connect to Pusher, in the cluster of the URL', async () => {
    const cookie = await demo.signIn();
    const config = await fetch(`${demo.harness.url}config`, { headers: { cookie } }).then((response) =>
      response.json(),
    );
    expect(config.transport).toEqual({ kind: 'pusher', key: KEY, cluster: 'eu' });
  });

  it("sends a job's events to Pusher's REST API, signed, from the app and the worker", async () => {
    const cookie = await demo.signIn();
    const { taskId, channel } = await demo.startJob(cookie);
    expect(channel).toBe(`private-cache-task-${taskId}`);

    await expect
      .poll(() => triggered.some((event) => event.data.task === taskId && event.data.state === 'succeeded'), {
        timeout: 60_000,
        interval: 50,
      })
      .toBe(true);
    const events = triggered.filter((event) => event.data.task === taskId);
    expect(events.every((event) => event.signatureOk && event.name === 'inloop:task')).toBe(true);
    expect(events.every((event) => event.channels.length === 1 && event.channels[0] === channel)).toBe(true);
    const states = events.map((event) => event.data.state);
    expect(states[0]).toBe('queued');
    expect(states).toContain('running');
    expect(states.at(-1)).toBe('succeeded');
    const seqs = events.map((event) => event.data.seq);
    expect(seqs).toEqual([...seqs].sort((a, b) => a - b));

    const status = await fetch(`${demo.harness.url}tasks/${taskId}`, { headers: { cookie } });
    expect(await status.json()).toMatchObject({ task: taskId, state: 'succeeded', percent: 100 });
  });

  it("signs the owner's channel subscription with the Pusher app's secret, and refuses other users", async () => {
    const cookie = await demo.signIn();
    const { channel } = await demo.startJob(cookie);
    const form = new URLSearchParams({ socket_id: '123.456', channel_name: channel });
    const headers = { 'content-type': 'application/x-www-form-urlencoded' };
    const auth = await fetch(`${demo.harness.url}inloop/auth`, {
      method: 'POST',
      headers: { ...headers, cookie },
      body: form,
    });
    expect(auth.status).toBe(200);
    const { auth: signature } = (await auth.json()) as { auth: string };
    expect(verifyChannelAuthorization({ key: KEY, secret: SECRET }, '123.456', channel, signature)).toBe(true);

    const stranger = await demo.signIn();
    const refused = await fetch(`${demo.harness.url}inloop/auth`, {
      method: 'POST',
      headers: { ...headers, cookie: stranger },
      body: form,
    });
    expect(refused.status).toBe(403);
  });
});
