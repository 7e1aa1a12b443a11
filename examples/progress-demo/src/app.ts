import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { SQSClient } from '@aws-sdk/client-sqs';
import type { Notifier } from '@inloop/server';
import { inloopPlugin } from '@inloop/server/fastify';
import { enqueue } from '@inloop/sqs';
import Fastify, { type FastifyInstance, type FastifyRequest } from 'fastify';
import type { PageTransport } from './client-config.js';
import { DemoErrorCode } from './errors.js';
import { jobPayloadSchema } from './jobs.js';
import { queueingDespiteDeliveryFailures } from './tolerant-notifier.js';
import type { DemoLogger } from './log.js';
import { newUserId, userCookie, userFromCookieHeader } from './user-cookie.js';

export interface AppOptions {
  notifier: Notifier;
  sqs: SQSClient;
  queueUrl: string;
  /** What the page connects to. */
  transport: PageTransport;
  /** The browser bundle of @inloop/client (IIFE exposing `Inloop`). */
  clientBundle: string;
  /** Folder of index.html, app.js and style.css. */
  publicDir: string;
  logger: DemoLogger;
}

const STATIC_FILES = {
  '/app.js': { file: 'app.js', type: 'text/javascript; charset=utf-8' },
  '/style.css': { file: 'style.css', type: 'text/css; charset=utf-8' },
} as const;

const userOf = (request: FastifyRequest) => userFromCookieHeader(request.headers.cookie);

/** The demo's web app: the page, POST /jobs, and @inloop/server's endpoints (auth, status, cancel). */
export async function buildApp(options: AppOptions): Promise<FastifyInstance> {
  const { logger } = options;
  const queueing = queueingDespiteDeliveryFailures(options.notifier, logger);
  const app = Fastify({ logger: false });
  const page = await readFile(join(options.publicDir, 'index.html'), 'utf8');
  const files = new Map<string, { body: string; type: string }>();
  for (const [path, { file, type }] of Object.entries(STATIC_FILES)) {
    files.set(path, { body: await readFile(join(options.publicDir, file), 'utf8'), type });
  }
  files.set('/inloop-client.js', { body: options.clientBundle, type: 'text/javascript; charset=utf-8' });

  app.get('/', async (request, reply) => {
    if (!userOf(request)) reply.header('set-cookie', userCookie(newUserId()));
    return reply.type('text/html; charset=utf-8').header('cache-control', 'no-store').send(page);
  });
  for (const [path, { body, type }] of files) {
    app.get(path, async (_request, reply) => reply.type(type).send(body));
  }

  app.get('/config', async (request, reply) => {
    const user = userOf(request);
    if (!user) return reply.code(401).send({ error: 'unauthenticated: open / first to get a demo user' });
    return { user, transport: options.transport };
  });

  app.post('/jobs', async (request, reply) => {
    const owner = userOf(request);
    if (!owner) return reply.code(401).send({ error: 'unauthenticated: open / first to get a demo user' });
    const payload = jobPayloadSchema.safeParse(request.body);
    if (!payload.success) {
      return reply.code(400).send({
        error: {
          code: DemoErrorCode.JobKindUnknown,
          message: 'send {"kind": "normal" | "flaky" | "failing" | "long"}',
        },
      });
    }
    try {
      const queued = await enqueue({
        sqs: options.sqs,
        queueUrl: options.queueUrl,
        notifier: queueing,
        payload: payload.data,
        owner,
      });
      logger.info({ event: 'enqueued', taskId: queued.taskId, kind: payload.data.kind, owner }, 'job queued');
      return reply.code(202).send(queued);
    } catch (error) {
      logger.error({ err: error, kind: payload.data.kind }, 'could not queue the job');
      return reply
        .code(503)
        .send({ error: { code: 'DEMO_QUEUE_UNAVAILABLE', message: 'The job could not be queued.' } });
    }
  });

  await app.register(inloopPlugin, {
    notifier: options.notifier,
    getUser: (request) => {
      const id = userOf(request);
      return id ? { id } : null;
    },
    logger,
  });
  return app;
}
