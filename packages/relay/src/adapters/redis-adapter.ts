import { randomBytes } from 'node:crypto';
import { frames } from '@inloop/protocol';
import type { FastifyBaseLogger } from 'fastify';
import type { Adapter, AdapterSubscriber, ChannelStats, JoinResult, LeaveResult, PresenceMember } from '../adapter.js';
import type { AdapterHooks, HookableAdapter } from '../metrics/adapter-hooks.js';
import type { RedisAdapterConfig } from './adapter-config.js';
import { ClusterSync } from './cluster-sync.js';
import { NodeHeartbeat } from './node-heartbeat.js';
import { NodeState } from './node-state.js';
import { decodeBusMessage, encodeBusEvent, encodeBusTerminate } from './redis-bus.js';
import { presenceField, RedisKeys, subscriptionField } from './redis-keys.js';
import { RedisLink } from './redis-link.js';
import { presenceFromHash, RedisQueries, toPresenceData } from './redis-queries.js';

const LOCAL_CACHE_ENTRIES = 10_000;

/**
 * Channel state shared by several relay processes through Redis: pub/sub carries events and
 * terminate requests to every node, hashes hold subscriptions, presence members and connection
 * counts of all nodes, node heartbeats let the survivors remove a dead node's members.
 *
 * Every node delivers its own publishes to its own subscribers directly and ignores its own
 * messages on the bus, so each subscriber gets an event exactly once and a node keeps serving
 * its clients while Redis is unreachable. When Redis is back, the node writes its whole share
 * again (a resync) so the cluster's view heals without manual action.
 *
 * While Redis is unreachable, joins and leaves tell this node's own subscribers about members
 * directly and report nothing cluster-wide (no occupied/vacated, no member added/removed for
 * the webhooks): only the resync, or the reaping of this node if it dies meanwhile, knows the
 * cluster's net change, and announces it once.
 */
export class RedisAdapter implements Adapter, HookableAdapter {
  readonly nodeId = randomBytes(6).toString('hex');
  readonly keys: RedisKeys;
  readonly #state = new NodeState();
  readonly #link: RedisLink;
  readonly #sync: ClusterSync;
  readonly #queries: RedisQueries;
  readonly #heartbeat: NodeHeartbeat;
  readonly #clusterConnections = new Map<string, number>();
  /** Cache channels' last events, for while Redis is unreachable; the most recently written ones only. */
  readonly #localCache = new Map<string, { frame: string; expiresAt: number }>();

  constructor(
    readonly config: RedisAdapterConfig,
    private readonly logger: FastifyBaseLogger,
  ) {
    this.keys = new RedisKeys(config.prefix);
    this.#link = new RedisLink(config, this.nodeId, logger);
    this.#sync = new ClusterSync(
      this.#link,
      this.#state,
      (app, channel, frame) => this.publish(app, channel, frame),
      logger,
    );
    this.#queries = new RedisQueries(this.#link.commands, this.keys);
    const { heartbeatMs, nodeExpiryMs } = config;
    this.#heartbeat = new NodeHeartbeat(
      this.#link.commands,
      this.keys,
      this.nodeId,
      this.#sync.nodeInfo,
      heartbeatMs,
      nodeExpiryMs,
      {
        onOwnKeyMissing: () => {
          this.logger.warn(
            { node: this.nodeId },
            'this node was missing from the cluster (Redis restarted, or the node was taken for dead); resynchronising',
          );
          return this.#sync.resync();
        },
        reap: (nodeId) => this.#sync.reap(nodeId),
        onBeat: () => this.#onBeat(),
        onError: (error) => this.#link.failed('heartbeat', error),
      },
    );
  }

  /** Connects, listens on the bus and announces this node. Throws INLOOP_REDIS_UNAVAILABLE. */
  async start(): Promise<void> {
    await this.#link.connect(this.keys.bus, () => this.#sync.resync());
    await this.#sync.resync();
    this.#link.subscriber.on('message', (_channel: string, message: string) => this.#onBusMessage(message));
    this.#heartbeat.start();
    this.logger.info({ node: this.nodeId, prefix: this.config.prefix }, 'relay node joined the Redis cluster');
  }

  /** Webhooks learn of channels and members only the cluster sees change (a dead node's); metrics get round-trips. */
  attachHooks(hooks: AdapterHooks): void {
    this.#link.hooks = hooks;
  }

  async join(
    appId: string,
    channel: string,
    subscriber: AdapterSubscriber,
    presenceMember?: PresenceMember,
  ): Promise<JoinResult> {
    const member = presenceMember && { ...presenceMember, userId: wellFormed(presenceMember.userId) };
    if (!this.#state.join(appId, channel, subscriber, member)) {
      const presence = member ? toPresenceData(await this.presenceMembers(appId, channel)) : undefined;
      return { channelOccupied: false, memberAdded: false, ...(presence && { presence }) };
    }
    try {
      const [total, userConnections, infoHash] = await this.#link.timed(
        'join',
        this.#link.commands.inloopJoin(
          ...this.#scriptHead(appId, channel),
          member?.userId ?? '',
          member ? presenceField(appId, channel, member.userId) : '',
          JSON.stringify(member?.userInfo ?? null),
        ),
      );
      if (!member) return { channelOccupied: total === 1, memberAdded: false };
      return { channelOccupied: total === 1, memberAdded: userConnections === 1, presence: presenceFromHash(infoHash) };
    } catch (error) {
      this.#link.failed('join', error);
      if (!member) return { channelOccupied: false, memberAdded: false };
      if (this.#state.userConnections(appId, channel, member.userId) === 1) {
        const added = frames.memberAdded(channel, member.userId, member.userInfo);
        this.#state.deliver(appId, channel, added, subscriber.socketId);
      }
      return {
        channelOccupied: false,
        memberAdded: false,
        presence: toPresenceData(this.#state.members(appId, channel)),
      };
    }
  }

  async leave(appId: string, channel: string, subscriber: AdapterSubscriber): Promise<LeaveResult> {
    const local = this.#state.leave(appId, channel, subscriber);
    if (!local.left) return { channelVacated: false };
    try {
      const [total, userConnections] = await this.#link.timed(
        'leave',
        this.#link.commands.inloopLeave(
          ...this.#scriptHead(appId, channel),
          local.userId ?? '',
          local.userId === undefined ? '' : presenceField(appId, channel, local.userId),
        ),
      );
      const result: LeaveResult = { channelVacated: total === 0 };
      if (local.userId !== undefined && userConnections === 0) result.memberRemoved = local.userId;
      return result;
    } catch (error) {
      this.#link.failed('leave', error);
      if (local.lastLocalConnectionOfUser && local.userId !== undefined) {
        this.#state.deliver(appId, channel, frames.memberRemoved(channel, local.userId));
      }
      return { channelVacated: false };
    }
  }

  presenceCount(appId: string, channel: string): Promise<number> {
    const local = () => this.#state.members(appId, channel).length;
    return this.#link.fallback('presenceCount', this.#queries.count(appId, channel), local);
  }

  presenceMembers(appId: string, channel: string): Promise<PresenceMember[]> {
    const local = () => this.#state.members(appId, channel);
    return this.#link.fallback('presenceMembers', this.#queries.members(appId, channel), local);
  }

  publish(appId: string, channel: string, frame: string, exceptSocketId?: string): void {
    this.#state.deliver(appId, channel, frame, exceptSocketId);
    if (this.#link.closed) return;
    this.#link.commands
      .publish(this.keys.bus, encodeBusEvent(this.nodeId, appId, channel, frame, exceptSocketId))
      .catch((error: unknown) => this.#link.failed('publish', error));
  }

  async setCachedEvent(appId: string, channel: string, frame: string, ttlSeconds: number): Promise<void> {
    const key = `${appId}\n${channel}`;
    this.#localCache.delete(key);
    this.#localCache.set(key, { frame, expiresAt: Date.now() + ttlSeconds * 1000 });
    if (this.#localCache.size > LOCAL_CACHE_ENTRIES)
      this.#localCache.delete(this.#localCache.keys().next().value as string);
    await this.#link.commands.set(this.keys.cache(appId, channel), frame, 'EX', ttlSeconds).catch((error: unknown) => {
      this.#link.failed('setCachedEvent', error);
    });
  }

  cachedEvent(appId: string, channel: string): Promise<string | undefined> {
    const local = () => {
      const entry = this.#localCache.get(`${appId}\n${channel}`);
      return entry && entry.expiresAt > Date.now() ? entry.frame : undefined;
    };
    const shared = this.#link.commands.get(this.keys.cache(appId, channel)).then((frame) => frame ?? undefined);
    return this.#link.fallback('cachedEvent', shared, local);
  }

  channels(appId: string, prefix: string): Promise<Map<string, ChannelStats>> {
    return this.#link.fallback('channels', this.#queries.channels(appId, prefix), () => {
      const out = new Map<string, ChannelStats>();
      for (const name of this.#state.channelNames(appId)) {
        if (name.startsWith(prefix)) out.set(name, this.#localStats(appId, name));
      }
      return out;
    });
  }

  channel(appId: string, channel: string): Promise<ChannelStats | undefined> {
    return this.#link.fallback('channel', this.#queries.channel(appId, channel), () =>
      this.#state.subscriptionCount(appId, channel) > 0 ? this.#localStats(appId, channel) : undefined,
    );
  }

  addUser(appId: string, userId: string, subscriber: AdapterSubscriber): void {
    this.#state.addUser(appId, userId, subscriber);
  }

  removeUser(appId: string, userId: string, subscriber: AdapterSubscriber): void {
    this.#state.removeUser(appId, userId, subscriber);
  }

  terminateUserConnections(appId: string, userId: string): void {
    this.#state.terminateUser(appId, userId);
    if (this.#link.closed) return;
    this.#link.commands
      .publish(this.keys.bus, encodeBusTerminate(this.nodeId, appId, userId))
      .catch((error: unknown) => this.#link.failed('terminateUserConnections', error));
  }

  countConnection(appId: string, delta: 1 | -1): void {
    this.#state.countConnection(appId, delta);
    this.#clusterConnections.set(appId, Math.max(0, (this.#clusterConnections.get(appId) ?? 0) + delta));
    if (this.#link.closed) return;
    this.#link.commands.inloopCountConnection(this.config.prefix, this.nodeId, appId, delta).then(
      (total) => this.#clusterConnections.set(appId, total),
      (error: unknown) => this.#link.failed('countConnection', error),
    );
  }

  /** Connections of the app on all nodes, as of the last answer from Redis (refreshed every heartbeat). */
  connectionCount(appId: string): number {
    return Math.max(this.#clusterConnections.get(appId) ?? 0, this.#state.connectionCount(appId));
  }

  /** Leaves the cluster: this node's members and subscriptions are removed for the other nodes at once. */
  async close(): Promise<void> {
    if (this.#link.closed) return;
    await this.#heartbeat.stop();
    if (this.#link.ready) {
      await this.#sync.leave().catch((error: unknown) => {
        this.logger.warn({ err: error, node: this.nodeId }, 'could not remove this node from the Redis cluster');
      });
    }
    this.#state.clear();
    await this.#link.close();
  }

  #scriptHead(appId: string, channel: string): [string, string, string, string, string] {
    return [this.config.prefix, this.nodeId, appId, channel, subscriptionField(appId, channel)];
  }

  async #onBeat(): Promise<void> {
    if (this.#link.needsResync) await this.#sync.resync();
    const counts = await this.#link.commands.hgetall(this.keys.connections);
    this.#clusterConnections.clear();
    for (const [appId, count] of Object.entries(counts)) this.#clusterConnections.set(appId, Number(count));
  }

  #onBusMessage(raw: string): void {
    const message = decodeBusMessage(raw);
    if (!message) {
      this.logger.warn({ bytes: raw.length }, 'ignored a message on the Redis bus that this relay does not understand');
      return;
    }
    if (message.node === this.nodeId) return;
    if (message.type === 'event') {
      this.#state.deliver(message.appId, message.channel, message.frame, message.exceptSocketId);
    } else {
      this.#state.terminateUser(message.appId, message.userId);
    }
  }

  #localStats(appId: string, channel: string): ChannelStats {
    const stats: ChannelStats = { subscriptionCount: this.#state.subscriptionCount(appId, channel) };
    if (channel.startsWith('presence-')) stats.userCount = this.#state.members(appId, channel).length;
    return stats;
  }
}

/**
 * A lone UTF-16 surrogate becomes U+FFFD, as Redis would store it anyway: otherwise the JSON of a
 * node's share would hold a `\ud800` escape that the sync script cannot decode, forever.
 */
function wellFormed(text: string): string {
  return text.replace(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, '\ufffd');
}

/** Creates and connects a Redis adapter. */
export async function createRedisAdapter(config: RedisAdapterConfig, logger: FastifyBaseLogger): Promise<RedisAdapter> {
  const adapter = new RedisAdapter(config, logger);
  await adapter.start();
  return adapter;
}
