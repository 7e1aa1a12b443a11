import type { FastifyInstance, FastifyPluginAsync, FastifyRequest } from 'fastify';
import type { AuthParams } from '../auth/authorizer.js';
import { createEndpoints, type EndpointOptions } from '../http/endpoints.js';
import { BAD_REQUEST, BODY_TOO_LARGE, INTERNAL_ERROR } from '../http/responses.js';
import { consoleLogger } from '../logger.js';

export type InloopPluginOptions = EndpointOptions<FastifyRequest>;

const FORM = 'application/x-www-form-urlencoded';

const JSON_TYPE = 'application/json';
const BODY_LIMIT = 16 * 1024;

/** Pusher's form-encoded auth bodies, and JSON where an empty body (a bodiless cancel POST) is `{}`. */
function registerBodyParsers(app: FastifyInstance): void {
  if (!app.hasContentTypeParser(FORM)) {
    app.addContentTypeParser(FORM, { parseAs: 'string', bodyLimit: BODY_LIMIT }, (_request, body, done) => {
      done(null, Object.fromEntries(new URLSearchParams(body as string)));
    });
  }
  app.removeContentTypeParser(JSON_TYPE);
  app.addContentTypeParser(JSON_TYPE, { parseAs: 'string', bodyLimit: BODY_LIMIT }, (_request, body, done) => {
    const text = (body as string).trim();
    if (text === '') return done(null, {});
    try {
      done(null, JSON.parse(text));
    } catch {
      done(Object.assign(new Error('malformed JSON body'), { statusCode: 400 }), undefined);
    }
  });
}

/**
 * Registers `POST /inloop/auth`, `POST /inloop/user-auth`, `GET /tasks/:id` and `POST /tasks/:id/cancel`
 * (under fastify's own `prefix` option when given). Encapsulated: its body parsers and error handler stay inside.
 */
export const inloopPlugin: FastifyPluginAsync<InloopPluginOptions> = async (app, options) => {
  const endpoints = createEndpoints<FastifyRequest>(options);
  const logger = options.logger ?? consoleLogger;
  registerBodyParsers(app);
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
