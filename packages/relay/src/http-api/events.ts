import { channelInfo, frames } from '@inloop/protocol';
import type { FastifyInstance } from 'fastify';
import type { AppConfig } from '../config-schema.js';
import { HttpApiError, RelayErrorCode } from '../errors.js';
import { enforceAppRate } from '../limits/http-rate-limits.js';
import type { RelayCoreImpl } from '../relay-core.js';
import { authenticate } from './authenticate.js';
import { parseBatch, parseTrigger, type TriggerEvent } from './trigger-schema.js';

type ChannelAttributes = { subscription_count?: number; user_count?: number };

/** Encodes the frame once per channel and hands it to the adapter for fan-out. */
async function publish(core: RelayCoreImpl, app: AppConfig, event: TriggerEvent): Promise<void> {
  for (const channel of event.channels) {
    const frame = frames.event(channel, event.name, event.data);
    // Cache first: a subscriber joining meanwhile gets the event from the cache or the publish, maybe both.
    if (channelInfo(channel).cache) {
      await core.adapter.setCachedEvent(app.id, channel, frame, app.limits.cacheTtlSeconds);
    }
    core.adapter.publish(app.id, channel, frame, event.socketId);
  }
}

async function attributes(
  core: RelayCoreImpl,
  app: AppConfig,
  event: TriggerEvent,
): Promise<Record<string, ChannelAttributes> | undefined> {
  if (event.info.length === 0) return undefined;
  const out: Record<string, ChannelAttributes> = {};
  for (const channel of event.channels) {
    const stats = await core.adapter.channel(app.id, channel);
    const entry: ChannelAttributes = {};
    if (event.info.includes('subscription_count')) entry.subscription_count = stats?.subscriptionCount ?? 0;
    if (event.info.includes('user_count')) {
      if (channelInfo(channel).kind !== 'presence') {
        throw new HttpApiError(400, RelayErrorCode.HttpRequestInvalid, 'info=user_count needs presence channels');
      }
      entry.user_count = stats?.userCount ?? 0;
    }
    out[channel] = entry;
  }
  return out;
}

export function registerEventRoutes(fastify: FastifyInstance, core: RelayCoreImpl): void {
  fastify.post<{ Params: { appId: string } }>('/apps/:appId/events', async (request) => {
    const app = authenticate(core, request);
    const event = parseTrigger(request.body, app.limits);
    await enforceAppRate(core.services.rateLimiter, app, 'backend-events', event.channels.length);
    await publish(core, app, event);
    const channels = await attributes(core, app, event);
    return channels ? { channels } : {};
  });

  fastify.post<{ Params: { appId: string } }>('/apps/:appId/batch_events', async (request) => {
    const app = authenticate(core, request);
    const events = parseBatch(request.body, app.limits);
    await enforceAppRate(core.services.rateLimiter, app, 'backend-events', events.length);
    for (const event of events) await publish(core, app, event);
    if (events.every((event) => event.info.length === 0)) return {};
    const batch = [];
    for (const event of events) {
      const channels = await attributes(core, app, event);
      batch.push(channels?.[event.channels[0] as string] ?? {});
    }
    return { batch };
  });
}
