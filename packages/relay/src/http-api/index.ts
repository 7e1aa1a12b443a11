import type { FastifyError, FastifyInstance } from 'fastify';
import { HttpApiError } from '../errors.js';
import type { RelayCoreImpl } from '../relay-core.js';
import { registerEventRoutes } from './events.js';
import { registerQueryRoutes } from './queries.js';

/**
 * The Pusher HTTP API under `/apps/:id/...`. Registered as an encapsulated plugin so that its
 * raw-body JSON parser (the signature covers the exact bytes) applies to these routes only.
 */
export async function httpApiPlugin(fastify: FastifyInstance, options: { core: RelayCoreImpl }): Promise<void> {
  const { core } = options;
  fastify.addContentTypeParser(
    ['application/json', 'text/plain'],
    { parseAs: 'string', bodyLimit: core.config.maxHttpBodyBytes },
    (_request, body, done) => done(null, body),
  );

  fastify.addHook('onResponse', async (request, reply) => {
    core.services.metrics.httpRequest(request.routeOptions.url ?? 'unknown', reply.statusCode);
  });

  fastify.setErrorHandler((error: FastifyError, request, reply) => {
    if (error instanceof HttpApiError) {
      if (error.status === 429) reply.header('Retry-After', '1');
      return reply.status(error.status).send({ error: error.message, code: error.code });
    }
    if (error.code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
      request.log.info({ url: request.url.split('?', 1)[0] }, 'HTTP API body too large');
      return reply.status(413).send({
        error: `request body is larger than ${core.config.maxHttpBodyBytes} bytes`,
        code: 'INLOOP_PAYLOAD_TOO_LARGE',
      });
    }
    const status = error.statusCode ?? 500;
    if (status >= 500) request.log.error({ err: error }, 'HTTP API request failed');
    return reply.status(status).send({ error: status >= 500 ? 'internal error' : error.message, code: error.code });
  });

  registerEventRoutes(fastify, core);
  registerQueryRoutes(fastify, core);
}
