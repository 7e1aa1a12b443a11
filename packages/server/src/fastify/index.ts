import type { FastifyInstance, FastifyPluginAsync, FastifyRequest } from 'fastify';
import type { AuthParams } from '../auth/authorizer.js';
import { createEndpoints, type EndpointOptions } from '../http/endpoints.js';
import { BAD_REQUEST, BODY_TOO_LARGE, INTERNAL_ERROR } from '../http/responses.js';
import { consoleLogger } from '../logger.js';

export type InloopPluginOptions = EndpointOptions<FastifyRequest>;

const FORM = 'application/x-www-form-urlencoded';

function registerFormParser(app: FastifyInstance): void {
  if (app.hasContentTypeParser(FORM)) return;
  app.addContentTypeParser(FORM, { parseAs: 'string', bodyLimit: 16 * 1024 }, (_request, body, done) => {
    done(null, Object.fromEntries(new URLSearchParams(body as string)));
  });
}

/**
 * Registers `POST /inloop/auth`, `POST /inloop/user-auth`, `GET /tasks/:id` and `POST /tasks/:id/cancel`
 * (under fastify's own `prefix` option when given). Encapsulated: the form parser it adds stays inside.
 */
export const inloopPlugin: FastifyPluginAsync<InloopPluginOptions> = async (app, options) => {
  const endpoints = createEndpoints<FastifyRequest>(options);
  const logger = options.logger ?? consoleLogger;
  registerFormParser(app);
  // Fastify's own errors (a malformed or too large body, a throwing hook) get the same safe shape as ours.
  app.setErrorHandler((error: { statusCode?: number }, request, reply) => {
    const status = error.statusCode ?? 500;
    if (status === 413) return reply.code(413).send(BODY_TOO_LARGE.body);
    if (status >= 400 && status < 500) return reply.code(status).send(BAD_REQUEST.body);
    logger.error({ err: error, url: request.url }, 'inloop endpoint failed');
    return reply.code(500).send(INTERNAL_ERROR.body);
  });
  const body = (request: FastifyRequest) =>
    (typeof request.body === 'object' && request.body !== null ? request.body : {}) as AuthParams;

  app.post('/inloop/auth', async (request, reply) => {
    const { status, body: answer } = await endpoints.auth(request, body(request));
    return reply.code(status).send(answer);
  });
  app.post('/inloop/user-auth', async (request, reply) => {
    const { status, body: answer } = await endpoints.userAuth(request, body(request));
    return reply.code(status).send(answer);
  });
  app.get<{ Params: { id: string } }>('/tasks/:id', async (request, reply) => {
    const { status, body: answer } = await endpoints.getTask(request, request.params.id);
    return reply.code(status).header('cache-control', 'no-store').send(answer);
  });
  app.post<{ Params: { id: string } }>('/tasks/:id/cancel', async (request, reply) => {
    const { status, body: answer } = await endpoints.cancelTask(request, request.params.id);
    return reply.code(status).send(answer);
  });
};

export default inloopPlugin;
export type { AuthUser, GetUser } from '../auth/authorizer.js';
