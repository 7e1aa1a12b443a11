import { frames } from '@inloop/protocol';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { RelayCore } from '../connection.js';
import { RelayErrorCode } from '../errors.js';
import { corsHeaders, preflightHeaders, receiveHeaders } from './cors.js';
import { closeLine, messagesLine, OPEN_LINE, parseSendBody } from './framing.js';
import { Receiver, type ReceiverKind } from './receiver.js';
import type { SessionRegistry } from './session-registry.js';

interface SessionParams {
  key: string;
  server: string;
  session: string;
}

type SessionRequest = FastifyRequest<{ Params: SessionParams; Body: string | undefined }>;

const SESSION_PATH = '/pusher/app/:key/:server/:session';
/** pusher-js makes `<0-999>/<8 base-32 chars>`; SockJS only forbids dots. */
const SESSION_PART = /^[^./]{1,64}$/;

function sessionId(params: SessionParams): string | undefined {
  if (!SESSION_PART.test(params.server) || !SESSION_PART.test(params.session)) return undefined;
  return `${params.key}/${params.server}/${params.session}`;
}

function sendError(request: FastifyRequest, reply: FastifyReply, status: number, code: string, message: string) {
  return reply.code(status).headers(corsHeaders(request.headers)).send({ code, message });
}

export function registerHttpFallbackRoutes(fastify: FastifyInstance, core: RelayCore, registry: SessionRegistry): void {
  const receive = (kind: ReceiverKind) => (request: SessionRequest, reply: FastifyReply) => {
    const id = sessionId(request.params);
    if (id === undefined) {
      return sendError(request, reply, 404, RelayErrorCode.HttpRequestInvalid, 'malformed HTTP session path');
    }
    reply.hijack();
    const receiver = new Receiver(kind, reply.raw, receiveHeaders(request.headers));
    const existing = registry.get(id);
    if (existing) {
      existing.attach(receiver);
      return;
    }
    const admission = core.admit(request.params.key, request.query as Record<string, unknown>);
    if (!admission.ok) {
      // The same refusal a websocket gets: an error frame, then the close code.
      const refusal = frames.error(admission.reason, admission.closeCode);
      receiver.end(OPEN_LINE + messagesLine([refusal]) + closeLine(admission.closeCode, admission.reason));
      return;
    }
    const session = registry.create(id, kind);
    session.connection = core.openConnection(admission.app, session);
    // After connection_established is queued, so a first poll carries it along with `o`.
    session.attach(receiver);
  };

  const routeOptions = { logLevel: 'warn' as const };
  fastify.post(`${SESSION_PATH}/xhr_streaming`, routeOptions, receive('xhr_streaming'));
  fastify.post(`${SESSION_PATH}/xhr`, routeOptions, receive('xhr_polling'));

  fastify.post(`${SESSION_PATH}/xhr_send`, routeOptions, (request: SessionRequest, reply) => {
    const id = sessionId(request.params);
    const session = id === undefined ? undefined : registry.get(id);
    if (!session?.connection || session.closed) {
      return sendError(
        request,
        reply,
        404,
        RelayErrorCode.HttpRequestInvalid,
        'no open HTTP session with this id: open one with xhr_streaming or xhr first',
      );
    }
    const body = parseSendBody(typeof request.body === 'string' ? request.body : '');
    if (!body.ok) {
      request.log.warn(
        { session: id, socketId: session.connection.socketId, appId: session.connection.app.id, problem: body.problem },
        'HTTP fallback: malformed xhr_send body refused',
      );
      return sendError(
        request,
        reply,
        400,
        RelayErrorCode.HttpRequestInvalid,
        `malformed xhr_send body: ${body.problem}`,
      );
    }
    for (const frame of body.frames) session.connection.handleFrame(frame);
    return reply.code(204).headers(corsHeaders(request.headers)).send();
  });

  fastify.options(`${SESSION_PATH}/:action`, routeOptions, (request, reply) =>
    reply.code(204).headers(preflightHeaders(request.headers)).send(),
  );
}
