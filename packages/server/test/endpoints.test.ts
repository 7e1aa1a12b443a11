import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyChannelAuthorization, verifyUserAuthentication } from '@inloop/protocol/signing';
import { createNodeHandler, createNotifier, type Notifier, type NodeRequest } from '@inloop/server';
import { inloopPlugin } from '@inloop/server/fastify';
import { recordingLogger } from './helpers.js';

const APP = { key: 'relay-key', secret: 'relay-secret-0c1d' };
const USER_HEADER = 'x-test-user';

/** Each app is reached over real HTTP on a free port. */
interface Running {
  name: string;
  base: string;
  notifier: Notifier;
  logs: ReturnType<typeof recordingLogger>;
  close(): Promise<void>;
}

function userOf(headers: Record<string, string | string[] | undefined>) {
  const id = headers[USER_HEADER];
  if (typeof id !== 'string' || id === '') return null;
  if (id === 'explode') throw new Error('session store down at 10.0.0.7:5432 (password=hunter2)');
  return { id, info: { name: id.toUpperCase() } };
}

function newNotifier() {
  // The relay transport signs locally: no request leaves the process in these tests.
  return createNotifier(`relay://${APP.key}:${APP.secret}@127.0.0.1:6001/app-1`, { logger: recordingLogger() });
}

const canAccessChannel = (_user: unknown, channel: string) =>
  channel === 'presence-lobby' || channel === 'private-news';

async function startFastify(): Promise<Running> {
  const notifier = newNotifier();
  const logs = recordingLogger();
  const app: FastifyInstance = Fastify({ logger: false });
  await app.register(inloopPlugin, {
    notifier,
    logger: logs,
    getUser: (request) => userOf(request.headers),
    canAccessChannel,
  });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const { port } = app.server.address() as AddressInfo;
  return {
    name: 'fastify plugin',
    base: `http://127.0.0.1:${port}`,
    notifier,
    logs,
    close: async () => {
      await app.close();
      await notifier.close();
    },
  };
}

async function startExpress(): Promise<Running> {
  const notifier = newNotifier();
  const logs = recordingLogger();
  const app = express();
  app.use(
    '/api',
    createNodeHandler({
      notifier,
      logger: logs,
      getUser: (request: NodeRequest) => userOf(request.headers),
      canAccessChannel,
    }),
  );
  app.use((_request, response) => {
    response.status(404).send('express 404');
  });
  const server: Server = createServer(app);
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return {
    name: 'node handler in Express',
    base: `http://127.0.0.1:${port}/api`,
    notifier,
    logs,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await notifier.close();
    },
  };
}

describe.each([{ start: startFastify }, { start: startExpress }])('endpoints', ({ start }) => {
  let running: Running;
  beforeAll(async () => {
    running = await start();
    // Seeded straight into the store: events would go to a relay that these tests do not run.
    const { store } = running.notifier;
    const at = Date.now();
    await store.setOwner('job-42', 'alice');
    await store.apply({ v: 1, task: 'job-42', seq: 1, at, state: 'running', attempt: 1 });
    await store.apply({
      v: 1,
      task: 'job-42',
      seq: 2,
      at,
      state: 'running',
      attempt: 1,
      progress: { done: 3, total: 4 },
    });
    await store.setOwner('job-done', 'alice');
    await store.apply({ v: 1, task: 'job-done', seq: 1, at, state: 'succeeded', attempt: 1, result: { ok: true } });
  });
  afterAll(() => running.close());

  const post = (path: string, body: string, type: string, user?: string) =>
    fetch(`${running.base}${path}`, {
      method: 'POST',
      body,
      headers: { 'content-type': type, ...(user ? { [USER_HEADER]: user } : {}) },
    });
  const form = (fields: Record<string, string>) => new URLSearchParams(fields).toString();
  const get = (path: string, user?: string) =>
    fetch(`${running.base}${path}`, { headers: user ? { [USER_HEADER]: user } : {} });

  it('authorizes the owner for their task channel (Pusher form body and JSON)', async () => {
    const channel = 'private-cache-task-job-42';
    const viaForm = await post(
      '/inloop/auth',
      form({ socket_id: '123.456', channel_name: channel }),
      'application/x-www-form-urlencoded',
      'alice',
    );
    expect(viaForm.status).toBe(200);
    const signed = (await viaForm.json()) as { auth: string };
    expect(verifyChannelAuthorization(APP, '123.456', channel, signed.auth)).toBe(true);

    const viaJson = await post(
      '/inloop/auth',
      JSON.stringify({ socket_id: '9.9', channel_name: channel }),
      'application/json',
      'alice',
    );
    expect(viaJson.status).toBe(200);
    expect(verifyChannelAuthorization(APP, '9.9', channel, ((await viaJson.json()) as { auth: string }).auth)).toBe(
      true,
    );
  });

  it("refuses another user's task channel, a forged socket id or channel, with 403 and no detail", async () => {
    const attempts = [
      { user: 'mallory', socket_id: '1.1', channel_name: 'private-cache-task-job-42' },
      { user: 'alice', socket_id: '1.1', channel_name: 'private-cache-task-unknown' },
      { user: 'alice', socket_id: '1.1;drop', channel_name: 'private-cache-task-job-42' },
      { user: 'alice', socket_id: '1.1', channel_name: 'private-cache-task-job-42\u0000' },
      { user: 'alice', socket_id: '1.1', channel_name: 'private-secret-room' },
    ];
    for (const { user, ...fields } of attempts) {
      const answer = await post('/inloop/auth', form(fields), 'application/x-www-form-urlencoded', user);
      expect(answer.status).toBe(403);
      expect(await answer.json()).toEqual({ error: { code: 'INLOOP_FORBIDDEN', message: 'Not allowed.' } });
    }
  });

  it('answers 401 without a user', async () => {
    const answer = await post(
      '/inloop/auth',
      form({ socket_id: '1.1', channel_name: 'private-news' }),
      'application/x-www-form-urlencoded',
    );
    expect(answer.status).toBe(401);
    expect(await answer.json()).toMatchObject({ error: { code: 'INLOOP_UNAUTHENTICATED' } });
  });

  it('signs presence membership with the user id and info', async () => {
    const answer = await post(
      '/inloop/auth',
      form({ socket_id: '5.5', channel_name: 'presence-lobby' }),
      'application/x-www-form-urlencoded',
      'bob',
    );
    expect(answer.status).toBe(200);
    const body = (await answer.json()) as { auth: string; channel_data: string };
    expect(JSON.parse(body.channel_data)).toEqual({ user_id: 'bob', user_info: { name: 'BOB' } });
    expect(verifyChannelAuthorization(APP, '5.5', 'presence-lobby', body.auth, body.channel_data)).toBe(true);
  });

  it('signs a user in at /inloop/user-auth', async () => {
    const answer = await post(
      '/inloop/user-auth',
      form({ socket_id: '7.7' }),
      'application/x-www-form-urlencoded',
      'carol',
    );
    expect(answer.status).toBe(200);
    const body = (await answer.json()) as { auth: string; user_data: string };
    expect(JSON.parse(body.user_data)).toEqual({ id: 'carol', user_info: { name: 'CAROL' } });
    expect(verifyUserAuthentication(APP, '7.7', body.auth, body.user_data)).toBe(true);
    const forged = await post(
      '/inloop/user-auth',
      form({ socket_id: 'abc' }),
      'application/x-www-form-urlencoded',
      'carol',
    );
    expect(forged.status).toBe(403);
  });

  it('GET /tasks/:id gives the owner the snapshot; 404 unknown, 403 not yours, 401 nobody', async () => {
    const mine = await get('/tasks/job-42', 'alice');
    expect(mine.status).toBe(200);
    expect(mine.headers.get('cache-control')).toBe('no-store');
    expect(await mine.json()).toMatchObject({ task: 'job-42', state: 'running', percent: 75, seq: 2 });
    expect((await get('/tasks/nope', 'alice')).status).toBe(404);
    const notYours = await get('/tasks/job-42', 'mallory');
    expect(notYours.status).toBe(403);
    expect(await notYours.json()).toEqual({ error: { code: 'INLOOP_FORBIDDEN', message: 'Not allowed.' } });
    expect((await get('/tasks/job-42')).status).toBe(401);
  });

  it('POST /tasks/:id/cancel sets the flag the worker polls; 409 once finished', async () => {
    expect((await post('/tasks/job-42/cancel', '', 'application/json', 'mallory')).status).toBe(403);
    expect(await running.notifier.task('job-42').isCancelRequested()).toBe(false);
    const answer = await post('/tasks/job-42/cancel', '', 'application/json', 'alice');
    expect(answer.status).toBe(202);
    expect(await answer.json()).toEqual({ task: 'job-42', cancelRequested: true });
    expect(await running.notifier.task('job-42').isCancelRequested()).toBe(true);
    const late = await post('/tasks/job-done/cancel', '', 'application/json', 'alice');
    expect(late.status).toBe(409);
    expect(await late.json()).toMatchObject({ error: { code: 'INLOOP_TASK_FINISHED' }, state: 'succeeded' });
  });

  it('shows browsers a code and a safe message, never internals or a stack', async () => {
    const crashed = await post(
      '/inloop/auth',
      form({ socket_id: '1.1', channel_name: 'private-news' }),
      'application/x-www-form-urlencoded',
      'explode',
    );
    expect(crashed.status).toBe(500);
    const text = await crashed.text();
    expect(JSON.parse(text)).toEqual({
      error: { code: 'INLOOP_INTERNAL', message: 'Something went wrong on the server; try again later.' },
    });
    expect(text).not.toMatch(/hunter2|10\.0\.0\.7|at .*\.ts/);
    const logged = running.logs.records.map((record) => (record.obj as { err?: Error }).err?.message);
    expect(logged).toContain('session store down at 10.0.0.7:5432 (password=hunter2)');

    const malformed = await post('/inloop/auth', '{"socket_id":', 'application/json', 'alice');
    expect(malformed.status).toBe(400);
    expect(await malformed.json()).toEqual({
      error: { code: 'INLOOP_BAD_REQUEST', message: 'The request body could not be read.' },
    });
    const huge = await post(
      '/inloop/auth',
      form({ socket_id: '1.1', channel_name: 'x'.repeat(20_000) }),
      'application/x-www-form-urlencoded',
      'alice',
    );
    expect(huge.status).toBe(413);
    expect(await huge.json()).toMatchObject({ error: { code: 'INLOOP_BODY_TOO_LARGE' } });
  });
});
