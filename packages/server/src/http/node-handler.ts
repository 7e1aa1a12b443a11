import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AuthParams } from '../auth/authorizer.js';
import type { Logger } from '../logger.js';
import { consoleLogger } from '../logger.js';
import { createEndpoints, type EndpointOptions } from './endpoints.js';
import { BAD_REQUEST, BODY_TOO_LARGE, type EndpointResponse, INTERNAL_ERROR, NOT_FOUND } from './responses.js';

export type NodeRequest = IncomingMessage & { body?: unknown };

export interface NodeHandlerOptions extends EndpointOptions<NodeRequest> {
  /** Path prefix the routes live under, e.g. `/api`. Default none. */
  prefix?: string;
  /** Largest request body read. Default 16 KiB. */
  bodyLimit?: number;
}

/** Calls `next()` for requests it does not handle (Express), or answers them 404 when there is none. */
export type NodeHandler = (request: NodeRequest, response: ServerResponse, next?: (error?: unknown) => void) => void;

const TASK_PATH = /^\/tasks\/([^/]+)(\/cancel)?$/;

class BodyError extends Error {
  constructor(readonly response: EndpointResponse) {
    super(response === BODY_TOO_LARGE ? 'body too large' : 'malformed body');
  }
}

async function readBody(request: NodeRequest, limit: number): Promise<AuthParams> {
  if (typeof request.body === 'object' && request.body !== null) return request.body as AuthParams;
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    size += (chunk as Buffer).length;
    if (size > limit) throw new BodyError(BODY_TOO_LARGE);
    chunks.push(chunk as Buffer);
  }
  const text = Buffer.concat(chunks).toString('utf8');
  if (text.trim() === '') return {};
  const type = String(request.headers['content-type'] ?? '');
  if (type.includes('application/x-www-form-urlencoded')) return Object.fromEntries(new URLSearchParams(text));
  try {
    const parsed = JSON.parse(text) as unknown;
    if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)) return parsed as AuthParams;
  } catch {}
  throw new BodyError(BAD_REQUEST);
}

function safeDecode(part: string): string | undefined {
  try {
    return decodeURIComponent(part);
  } catch {
    return undefined;
  }
}

function send(response: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  response.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
    'cache-control': 'no-store',
  });
  response.end(text);
}

/** The same endpoints as the fastify plugin, as a `(req, res, next?)` handler for node:http or Express. */
export function createNodeHandler(options: NodeHandlerOptions): NodeHandler {
  const endpoints = createEndpoints<NodeRequest>(options);
  const prefix = (options.prefix ?? '').replace(/\/$/, '');
  const bodyLimit = options.bodyLimit ?? 16 * 1024;
  const logger: Logger = options.logger ?? consoleLogger;

  const route = async (request: NodeRequest, path: string) => {
    const method = request.method ?? 'GET';
    if (method === 'POST' && path === '/inloop/auth')
      return endpoints.auth(request, await readBody(request, bodyLimit));
    if (method === 'POST' && path === '/inloop/user-auth') {
      return endpoints.userAuth(request, await readBody(request, bodyLimit));
    }
    const match = TASK_PATH.exec(path);
    if (!match) return undefined;
    const taskId = safeDecode(match[1]!);
    if (taskId === undefined) return NOT_FOUND;
    if (method === 'GET' && !match[2]) return endpoints.getTask(request, taskId);
    if (method === 'POST' && match[2]) return endpoints.cancelTask(request, taskId);
    return undefined;
  };

  return (request, response, next) => {
    const url = new URL(request.url ?? '/', 'http://localhost');
    const path = url.pathname.startsWith(prefix) ? url.pathname.slice(prefix.length) : undefined;
    const notMine = () => (next ? next() : send(response, NOT_FOUND.status, NOT_FOUND.body));
    if (path === undefined) return notMine();
    route(request, path).then(
      (answer) => (answer ? send(response, answer.status, answer.body) : notMine()),
      (error) => {
        if (error instanceof BodyError) return send(response, error.response.status, error.response.body);
        logger.error({ err: error, path }, 'inloop endpoint failed');
        send(response, INTERNAL_ERROR.status, INTERNAL_ERROR.body);
      },
    );
  };
}
