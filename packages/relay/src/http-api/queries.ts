import { channelInfo, channelNameProblem } from '@inloop/protocol';
import type { FastifyInstance } from 'fastify';
import { HttpApiError, RelayErrorCode } from '../errors.js';
import type { AppConfig } from '../config-schema.js';
import { enforceAppRate } from '../limits/http-rate-limits.js';
import type { RelayCoreImpl } from '../relay-core.js';
import { authenticate } from './authenticate.js';

type Query = Record<string, string | string[] | undefined>;

function invalid(message: string): HttpApiError {
  return new HttpApiError(400, RelayErrorCode.HttpRequestInvalid, message);
}

function single(query: Query, name: string): string {
  const value = query[name];
  if (Array.isArray(value)) throw invalid(`query parameter ${name} is repeated`);
  return value ?? '';
}

function infoFields(query: Query): string[] {
  const fields = single(query, 'info').split(',').filter(Boolean);
  for (const field of fields) {
    if (!['user_count', 'subscription_count', 'cache'].includes(field)) {
      throw invalid(`unknown info attribute "${field.slice(0, 64)}": use user_count, subscription_count or cache`);
    }
  }
  return fields;
}

function checkedChannel(name: string): string {
  const problem = channelNameProblem(name);
  if (problem) throw invalid(`channel "${name.slice(0, 200)}": ${problem}`);
  return name;
}

export function registerQueryRoutes(fastify: FastifyInstance, core: RelayCoreImpl): void {
  /** Authenticates a read and spends one of the app's API reads. */
  const authenticateRead = async (request: Parameters<typeof authenticate>[1]): Promise<AppConfig> => {
    const app = authenticate(core, request);
    await enforceAppRate(core.services.rateLimiter, app, 'api-reads', 1);
    return app;
  };

  fastify.get<{ Params: { appId: string }; Querystring: Query }>('/apps/:appId/channels', async (request) => {
    const app = await authenticateRead(request);
    const prefix = single(request.query, 'filter_by_prefix');
    const info = infoFields(request.query);
    if (info.includes('user_count') && !prefix.startsWith('presence-')) {
      throw invalid('info=user_count needs filter_by_prefix=presence-');
    }
    const channels: Record<string, { user_count?: number; subscription_count?: number }> = {};
    for (const [name, stats] of await core.adapter.channels(app.id, prefix)) {
      if (name.startsWith('#')) continue;
      const entry: { user_count?: number; subscription_count?: number } = {};
      if (info.includes('user_count')) entry.user_count = stats.userCount ?? 0;
      if (info.includes('subscription_count')) entry.subscription_count = stats.subscriptionCount;
      channels[name] = entry;
    }
    return { channels };
  });

  fastify.get<{ Params: { appId: string; channel: string }; Querystring: Query }>(
    '/apps/:appId/channels/:channel',
    async (request) => {
      const app = await authenticateRead(request);
      const channel = checkedChannel(request.params.channel);
      const info = infoFields(request.query);
      const kind = channelInfo(channel);
      if (info.includes('user_count') && kind.kind !== 'presence') {
        throw invalid('info=user_count is only available for presence channels');
      }
      const stats = await core.adapter.channel(app.id, channel);
      const out: { occupied: boolean; user_count?: number; subscription_count?: number; cache?: unknown } = {
        occupied: stats !== undefined,
      };
      if (info.includes('user_count')) out.user_count = stats?.userCount ?? 0;
      if (info.includes('subscription_count')) out.subscription_count = stats?.subscriptionCount ?? 0;
      if (info.includes('cache') && kind.cache) {
        const cached = await core.adapter.cachedEvent(app.id, channel);
        if (cached !== undefined) {
          const frame = JSON.parse(cached) as { event: string; data: unknown };
          out.cache = { event: frame.event, data: frame.data };
        }
      }
      return out;
    },
  );

  fastify.get<{ Params: { appId: string; channel: string } }>(
    '/apps/:appId/channels/:channel/users',
    async (request) => {
      const app = await authenticateRead(request);
      const channel = checkedChannel(request.params.channel);
      if (channelInfo(channel).kind !== 'presence') throw invalid('users are only available for presence channels');
      const members = await core.adapter.presenceMembers(app.id, channel);
      return { users: members.map((member) => ({ id: member.userId })) };
    },
  );

  fastify.post<{ Params: { appId: string; userId: string } }>(
    '/apps/:appId/users/:userId/terminate_connections',
    async (request) => {
      const app = authenticate(core, request);
      core.adapter.terminateUserConnections(app.id, request.params.userId);
      return {};
    },
  );
}
