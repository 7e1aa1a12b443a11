import { channelInfo, isValidChannelName, taskIdFromChannel } from '@inloop/protocol';
import { isValidSocketId } from '@inloop/protocol/signing';
import {
  type EndpointResponse,
  FORBIDDEN,
  INTERNAL_ERROR,
  NOT_FOUND,
  NOT_SUPPORTED,
  UNAUTHENTICATED,
} from '../http/responses.js';
import { consoleLogger, type Logger } from '../logger.js';
import type { Notifier } from '../notifier.js';
import type { TaskRecord } from '../stores/task-store.js';

export interface AuthUser {
  id: string;
  /** Shown to other members of presence channels, and in the user's sign-in data. */
  info?: Record<string, unknown>;
}

export type GetUser<R> = (request: R) => AuthUser | null | undefined | Promise<AuthUser | null | undefined>;

export interface AuthorizerOptions<R> {
  notifier: Notifier;
  /** The signed-in user of a request, or null. */
  getUser: GetUser<R>;
  /** May `user` watch task `taskId`? Default: only its owner (an unknown task is nobody's). */
  canAccessTask?: (
    user: AuthUser,
    taskId: string,
    record: TaskRecord | undefined,
    request: R,
  ) => boolean | Promise<boolean>;
  /** May `user` subscribe to a private or presence channel that is not a task channel? Default: no. */
  canAccessChannel?: (user: AuthUser, channel: string, request: R) => boolean | Promise<boolean>;
  logger?: Logger;
  /** Lifetime of Ably tokens issued. Default: Ably's (1 h). */
  tokenTtlMs?: number;
}

/** Body fields of an auth request: Pusher's `socket_id` + `channel_name`, or the channels an Ably token is for. */
export interface AuthParams {
  socket_id?: unknown;
  channel_name?: unknown;
  channels?: unknown;
}

export type AuthAction = 'channel' | 'user' | 'token';

export type { EndpointResponse };

export type TaskAccess = { ok: true; user: AuthUser; record: TaskRecord } | { ok: false; response: EndpointResponse };

export interface Authorizer<R> {
  /**
   * Answers an auth request: channel authorization (private/presence), user sign-in, or an Ably token
   * request, chosen by `action` or else by the body (`channel_name` → channel, `socket_id` → sign-in,
   * otherwise a token request). `params` defaults to `request.body`.
   */
  authorize(request: R, params?: AuthParams, action?: AuthAction): Promise<EndpointResponse>;
  /** Whether the request's user may see task `taskId`: 401, 404 unknown, 403 not theirs. */
  checkTaskAccess(request: R, taskId: string): Promise<TaskAccess>;
}

const ownerOnly = (user: AuthUser, _taskId: string, record: TaskRecord | undefined) =>
  record?.owner !== undefined && record.owner === user.id;

function requestedChannels(params: AuthParams): string[] {
  const raw = params.channels ?? params.channel_name;
  const list = Array.isArray(raw) ? raw : typeof raw === 'string' ? raw.split(',') : [];
  return list.map((item) => (typeof item === 'string' ? item.trim() : '')).filter((item) => item !== '');
}

export function createAuthorizer<R>(options: AuthorizerOptions<R>): Authorizer<R> {
  const { notifier } = options;
  const logger = options.logger ?? consoleLogger;
  const canAccessTask = options.canAccessTask ?? ownerOnly;
  const canAccessChannel = options.canAccessChannel ?? (() => false);
  const transport = notifier.transport;

  const userOf = async (request: R): Promise<AuthUser | undefined> => {
    const user = await options.getUser(request);
    return user && typeof user.id === 'string' && user.id !== '' ? user : undefined;
  };

  const mayRead = async (user: AuthUser, channel: string, request: R): Promise<boolean> => {
    const info = channelInfo(channel);
    if (!info.requiresAuth || info.kind === 'server-to-user') return false;
    const taskId = taskIdFromChannel(channel, { prefix: notifier.taskChannelPrefix });
    if (taskId !== null) return canAccessTask(user, taskId, await notifier.store.get(taskId), request);
    return canAccessChannel(user, channel, request);
  };

  const authorizeChannel = async (request: R, user: AuthUser, params: AuthParams): Promise<EndpointResponse> => {
    const { socket_id: socketId, channel_name: channel } = params;
    if (!isValidSocketId(socketId) || !isValidChannelName(channel)) return FORBIDDEN;
    if (!transport.authorizeChannel) return NOT_SUPPORTED;
    if (!(await mayRead(user, channel, request))) return FORBIDDEN;
    const member = channelInfo(channel).kind === 'presence' ? { user_id: user.id, user_info: user.info } : undefined;
    return { status: 200, body: await transport.authorizeChannel(socketId, channel, member) };
  };

  const signIn = async (user: AuthUser, params: AuthParams): Promise<EndpointResponse> => {
    if (!isValidSocketId(params.socket_id)) return FORBIDDEN;
    if (!transport.authenticateUser) return NOT_SUPPORTED;
    const userData = user.info ? { id: user.id, user_info: user.info } : { id: user.id };
    return { status: 200, body: await transport.authenticateUser(params.socket_id, userData) };
  };

  const tokenRequest = async (request: R, user: AuthUser, params: AuthParams): Promise<EndpointResponse> => {
    if (!transport.createTokenRequest) return NOT_SUPPORTED;
    const channels = requestedChannels(params);
    if (channels.length === 0 || !channels.every(isValidChannelName)) return FORBIDDEN;
    const capability: Record<string, string[]> = {};
    for (const channel of channels) {
      if (!(await mayRead(user, channel, request))) return FORBIDDEN;
      // history lets a late subscriber read the last event (attach with rewind).
      capability[channel] =
        channelInfo(channel).kind === 'presence' ? ['subscribe', 'history', 'presence'] : ['subscribe', 'history'];
    }
    const body = await transport.createTokenRequest({ clientId: user.id, capability, ttlMs: options.tokenTtlMs });
    return { status: 200, body };
  };

  return {
    async authorize(request, params, action) {
      try {
        const user = await userOf(request);
        if (!user) return UNAUTHENTICATED;
        const body = (params ?? (request as { body?: AuthParams }).body ?? {}) as AuthParams;
        const chosen: AuthAction =
          action ??
          (body.channel_name !== undefined && body.socket_id !== undefined
            ? 'channel'
            : body.socket_id !== undefined
              ? 'user'
              : 'token');
        if (chosen === 'channel') return await authorizeChannel(request, user, body);
        if (chosen === 'user') return await signIn(user, body);
        return await tokenRequest(request, user, body);
      } catch (error) {
        logger.error({ err: error, action }, 'inloop auth failed');
        return INTERNAL_ERROR;
      }
    },

    async checkTaskAccess(request, taskId) {
      const user = await userOf(request);
      if (!user) return { ok: false, response: UNAUTHENTICATED };
      const record = await notifier.store.get(taskId);
      if (!record) return { ok: false, response: NOT_FOUND };
      if (!(await canAccessTask(user, taskId, record, request))) return { ok: false, response: FORBIDDEN };
      return { ok: true, user, record };
    },
  };
}
