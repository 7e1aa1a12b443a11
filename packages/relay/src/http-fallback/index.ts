import { CloseCode } from '@inloop/protocol';
import type { FastifyError, FastifyInstance } from 'fastify';
import type { RelayCore } from '../connection.js';
import { RelayErrorCode } from '../errors.js';
import { corsHeaders } from './cors.js';
import { type HttpFallbackOptions, resolveHttpFallbackOptions } from './options.js';
import { registerHttpFallbackRoutes } from './routes.js';
import { SessionRegistry } from './session-registry.js';

export type { HttpFallbackOptions } from './options.js';
export { HTTP_FALLBACK_DEFAULTS } from './options.js';

/**
 * Registers the HTTP fallback transports (pusher-js `xhr_streaming` and `xhr_polling`)
 * under `/pusher/app/:key/:server/:session/...`. Each session is a {@link RelayCore}
 * connection like a websocket, so channels behave the same whichever transport a client uses.
 * Called once by the relay's server setup.
 */
export async function registerHttpFallback(
  fastify: FastifyInstance,
  core: RelayCore,
  options: HttpFallbackOptions = {},
): Promise<void> {
  const resolved = resolveHttpFallbackOptions(options);
  const registry = new SessionRegistry(resolved, fastify.log);

  // Open receive requests would keep the server from closing: answer them first.
  fastify.addHook('preClose', (done) => {
    registry.closeAll(CloseCode.GenericReconnectImmediately, 'the relay is shutting down');
    done();
  });

  await fastify.register(async (scope) => {
    // pusher-js posts `application/json` (and an empty body to open a receive request): take every
    // body as text and validate it here, so a bad one gets this transport's error, not a parser's.
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser(
      '*',
      { parseAs: 'string', bodyLimit: resolved.maxSendBodyBytes },
      (_request, body, done) => done(null, body),
    );
    scope.setErrorHandler((error: FastifyError, request, reply) => {
      const status = error.statusCode !== undefined && error.statusCode >= 400 ? error.statusCode : 500;
      const tooLarge = status === 413;
      if (status >= 500) request.log.error({ err: error, url: request.url }, 'HTTP fallback request failed');
      else request.log.warn({ url: request.url, code: error.code, status }, 'HTTP fallback request refused');
      const message = tooLarge
        ? `xhr_send body is larger than ${resolved.maxSendBodyBytes} bytes`
        : status >= 500
          ? 'internal error in the HTTP fallback'
          : error.message;
      return reply
        .code(status)
        .headers(corsHeaders(request.headers))
        .send({ code: tooLarge ? RelayErrorCode.PayloadTooLarge : RelayErrorCode.HttpRequestInvalid, message });
    });
    registerHttpFallbackRoutes(scope, core, registry);
  });
}
