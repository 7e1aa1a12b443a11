import type { PresenceData } from '@inloop/protocol';
import type { Redis } from 'ioredis';
import type { ChannelStats, PresenceMember } from '../adapter.js';
import type { RedisKeys } from './redis-keys.js';

export function parseInfo(json: string): unknown {
  try {
    return JSON.parse(json);
  } catch {
    return null;
  }
}

/** The HTTP API's and presence checks' reads of the cluster-wide aggregates. */
export class RedisQueries {
  constructor(
    private readonly redis: Redis,
    private readonly keys: RedisKeys,
  ) {}

  count(appId: string, channel: string): Promise<number> {
    return this.redis.hlen(this.keys.presence(appId, channel));
  }

  async members(appId: string, channel: string): Promise<PresenceMember[]> {
    const infos = await this.redis.hgetall(this.keys.presenceInfo(appId, channel));
    return Object.entries(infos).map(([userId, info]) => ({ userId, userInfo: parseInfo(info) }));
  }

  async channels(appId: string, prefix: string): Promise<Map<string, ChannelStats>> {
    const counts = await this.redis.hgetall(this.keys.subscriptions(appId));
    const names = Object.keys(counts).filter((name) => name.startsWith(prefix));
    const presence = names.filter((name) => name.startsWith('presence-'));
    const userCounts = await Promise.all(presence.map((name) => this.count(appId, name)));
    const out = new Map<string, ChannelStats>();
    for (const name of names) out.set(name, { subscriptionCount: Number(counts[name]) });
    for (const [index, name] of presence.entries()) {
      (out.get(name) as ChannelStats).userCount = userCounts[index] as number;
    }
    return out;
  }

  async channel(appId: string, channel: string): Promise<ChannelStats | undefined> {
    const isPresence = channel.startsWith('presence-');
    const [count, users] = await Promise.all([
      this.redis.hget(this.keys.subscriptions(appId), channel),
      isPresence ? this.count(appId, channel) : Promise.resolve(0),
    ]);
    if (count === null || Number(count) <= 0) return undefined;
    const stats: ChannelStats = { subscriptionCount: Number(count) };
    if (isPresence) stats.userCount = users;
    return stats;
  }
}

export function toPresenceData(members: PresenceMember[]): PresenceData {
  const hash: Record<string, unknown> = {};
  for (const member of members) hash[member.userId] = member.userInfo ?? null;
  return { ids: members.map((member) => member.userId), hash, count: members.length };
}

/** HGETALL's flat [userId, infoJson, ...] reply of the presence info hash. */
export function presenceFromHash(flat: string[]): PresenceData {
  const members: PresenceMember[] = [];
  for (let i = 0; i < flat.length; i += 2) {
    members.push({ userId: flat[i] as string, userInfo: parseInfo(flat[i + 1] as string) });
  }
  return toPresenceData(members);
}
