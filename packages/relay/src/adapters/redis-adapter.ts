import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { frames, type PresenceData } from '@inloop/protocol';
import type { FastifyBaseLogger } from 'fastify';
import type { Redis } from 'ioredis';
import type { Adapter, AdapterSubscriber, ChannelStats, JoinResult, LeaveResult, PresenceMember } from '../adapter.js';
import { RelayError, RelayErrorCode } from '../errors.js';
import type { AdapterHooks, HookableAdapter } from '../metrics/adapter-hooks.js';
import type { RedisAdapterConfig } from './adapter-config.js';
import { NodeHeartbeat } from './node-heartbeat.js';
import { NodeState } from './node-state.js';
import { decodeBusMessage, encodeBusEvent, encodeBusTerminate } from './redis-bus.js';
import {
  type ClusterCommands,
  createCommandConnection,
  createSubscriberConnection,
  loadScripts,
} from './redis-connection.js';
import { RedisKeys, presenceField, subscriptionField } from './redis-keys.js';
import { parseInfo, RedisQueries } from './redis-queries.js';
import { parseSyncChanges, type SyncChanges } from './redis-scripts.js';

export type ClusterChangeCause = 'reap' | 'resync' | 'leave';

/**
 * Channel state shared by several relay processes through Redis: pub/sub carries events and
 * terminate requests to every node, hashes hold subscriptions, presence members and connection
 * counts of all nodes, node heartbeats let the survivors remove a dead node's members.
 *
 * Every node delivers its own publishes to its own subscribers directly and ignores its own
 * messages on the bus, so each subscriber gets an event exactly once and a node keeps serving
 * its clients while Redis is unreachable. When Redis is back, the node writes its whole share
 * again (a resync) so the cluster's view heals without manual action.
 */
export class RedisAdapter implements Adapter, HookableAdapter {
  readonly nodeId = randomBytes(6).toString('hex');
  readonly keys: RedisKeys;
  readonly #state = new NodeState();
  readonly #redis: ClusterCommands;
  readonly #subscriber: Redis;
  readonly #queries: RedisQueries;
  readonly #heartbeat: NodeHeartbeat;
  readonly #nodeInfo: string;
  readonly #clusterConnections = new Map<string, number>();
  readonly #localCache = new Map<string, { frame: string; expiresAt: number }>();
  #hooks: AdapterHooks | undefined;
  #connectedOnce = false;
  #degraded = false;
  #needsResync = false;
  #closed = false;

  constructor(
    readonly config: RedisAdapterConfig,
    private readonly logger: FastifyBaseLogger,
  ) {
    this.keys = new RedisKeys(config.prefix);
    const name = `inloop-relay:${config.prefix}:${this.nodeId}`;
    this.#redis = createCommandConnection(config, name);
    this.#subscriber = createSubscriberConnection(config, `${name}:sub`);
    this.#queries = new RedisQueries(this.#redis, this.keys);
    this.#nodeInfo = JSON.stringify({ host: hostname(), pid: process.pid, startedAt: Date.now() });
    this.#heartbeat = new NodeHeartbeat(
      this.#redis,
      this.keys,
      this.nodeId,
      this.#nodeInfo,
      config.heartbeatMs,
      config.nodeExpiryMs,
      {
        onOwnKeyMissing: () => {
          this.logger.warn({ node: this.nodeId }, 'this relay node was taken for dead by the cluster; resynchronising');
          return this.resync();
        },
        reap: (nodeId) => this.#reap(nodeId),
        onBeat: () => this.#onBeat(),
        onError: (error) => this.#failed('heartbeat', error),
      },
    );
  }

  /** Connects, listens on the bus and announces this node. Throws INLOOP_REDIS_UNAVAILABLE. */
  async start(): Promise<void> {
    this.#watchConnections();
    try {
      await Promise.all([this.#redis.connect(), this.#subscriber.connect()]);
      await this.#subscriber.subscribe(this.keys.bus);
      await loadScripts(this.#redis);
      await this.resync();
    } catch (error) {
      this.#redis.disconnect();
      this.#subscriber.disconnect();
      throw new RelayError(
        RelayErrorCode.RedisUnavailable,
        `cannot use Redis at ${redactedUrl(this.config.url)}: ${(error as Error).message}`,
      );
    }
    this.#connectedOnce = true;
    this.#subscriber.on('message', (_channel: string, message: string) => this.#onBusMessage(message));
    this.#heartbeat.start();
    this.logger.info({ node: this.nodeId, prefix: this.config.prefix }, 'relay node joined the Redis cluster');
  }

  /** Webhooks learn of channels and members only the cluster sees change (a dead node's); metrics get round-trips. */
  attachHooks(hooks: AdapterHooks): void {
    this.#hooks = hooks;
  }

  async join(
    appId: string,
    channel: string,
    subscriber: AdapterSubscriber,
    member?: PresenceMember,
  ): Promise<JoinResult> {
    const added = this.#state.join(appId, channel, subscriber, member);
    const info = JSON.stringify(member?.userInfo ?? null);
    if (!added)
      return {
        channelOccupied: false,
        memberAdded: false,
        ...(member && { presence: await this.#presenceData(appId, channel) }),
      };
    try {
      const [total, userConnections, infoHash] = await this.#timed(
        'join',
        this.#redis.inloopJoin(
          ...this.#scriptHead(appId, channel),
          member?.userId ?? '',
          member ? presenceField(appId, channel, member.userId) : '',
          info,
        ),
      );
      if (!member) return { channelOccupied: total === 1, memberAdded: false };
      return { channelOccupied: total === 1, memberAdded: userConnections === 1, presence: presenceFromHash(infoHash) };
    } catch (error) {
      this.#failed('join', error);
      const channelOccupied = this.#state.subscriptionCount(appId, channel) === 1;
      if (!member) return { channelOccupied, memberAdded: false };
      const presence = toPresenceData(this.#state.members(appId, channel));
      const memberAdded = this.#state.userConnections(appId, channel, member.userId) === 1;
      return { channelOccupied, memberAdded, presence };
    }
  }

  async leave(appId: string, channel: string, subscriber: AdapterSubscriber): Promise<LeaveResult> {
    const local = this.#state.leave(appId, channel, subscriber);
    if (!local.left) return { channelVacated: false };
    try {
      const [total, userConnections] = await this.#timed(
        'leave',
        this.#redis.inloopLeave(
          ...this.#scriptHead(appId, channel),
          local.userId ?? '',
          local.userId === undefined ? '' : presenceField(appId, channel, local.userId),
        ),
      );
      const result: LeaveResult = { channelVacated: total === 0 };
      if (local.userId !== undefined && userConnections === 0) result.memberRemoved = local.userId;
      return result;
    } catch (error) {
      this.#failed('leave', error);
      const result: LeaveResult = { channelVacated: local.locallyVacated };
      if (local.lastLocalConnectionOfUser) result.memberRemoved = local.userId;
      return result;
    }
  }

  async presenceCount(appId: string, channel: string): Promise<number> {
    return this.#fallback(
      'presenceCount',
      this.#queries.count(appId, channel),
      () => this.#state.members(appId, channel).length,
    );
  }

  async presenceMembers(appId: string, channel: string): Promise<PresenceMember[]> {
    return this.#fallback('presenceMembers', this.#queries.members(appId, channel), () =>
      this.#state.members(appId, channel),
    );
  }

  publish(appId: string, channel: string, frame: string, exceptSocketId?: string): void {
    this.#state.deliver(appId, channel, frame, exceptSocketId);
    if (this.#closed) return;
    this.#redis
      .publish(this.keys.bus, encodeBusEvent(this.nodeId, appId, channel, frame, exceptSocketId))
      .catch((error: unknown) => this.#failed('publish', error));
  }

  async setCachedEvent(appId: string, channel: string, frame: string, ttlSeconds: number): Promise<void> {
    this.#localCache.set(`${appId}\n${channel}`, { frame, expiresAt: Date.now() + ttlSeconds * 1000 });
    await this.#redis.set(this.keys.cache(appId, channel), frame, 'EX', ttlSeconds).catch((error: unknown) => {
      this.#failed('setCachedEvent', error);
    });
  }

  async cachedEvent(appId: string, channel: string): Promise<string | undefined> {
    const local = () => {
      const entry = this.#localCache.get(`${appId}\n${channel}`);
      return entry && entry.expiresAt > Date.now() ? entry.frame : undefined;
    };
    const shared = this.#redis.get(this.keys.cache(appId, channel)).then((frame) => frame ?? undefined);
    return this.#fallback('cachedEvent', shared, local);
  }

  async channels(appId: string, prefix: string): Promise<Map<string, ChannelStats>> {
    return this.#fallback('channels', this.#queries.channels(appId, prefix), () => {
      const out = new Map<string, ChannelStats>();
      for (const name of this.#state.channelNames(appId)) {
        if (name.startsWith(prefix)) out.set(name, this.#localStats(appId, name));
      }
      return out;
    });
  }

  async channel(appId: string, channel: string): Promise<ChannelStats | undefined> {
    return this.#fallback('channel', this.#queries.channel(appId, channel), () =>
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
    if (this.#closed) return;
    this.#redis
      .publish(this.keys.bus, encodeBusTerminate(this.nodeId, appId, userId))
      .catch((error: unknown) => this.#failed('terminateUserConnections', error));
  }

  countConnection(appId: string, delta: 1 | -1): void {
    this.#state.countConnection(appId, delta);
    this.#clusterConnections.set(appId, Math.max(0, (this.#clusterConnections.get(appId) ?? 0) + delta));
    if (this.#closed) return;
    this.#redis.inloopCountConnection(this.config.prefix, this.nodeId, appId, delta).then(
      (total) => this.#clusterConnections.set(appId, total),
      (error: unknown) => this.#failed('countConnection', error),
    );
  }

  /** Connections of the app on all nodes, as of the last answer from Redis (refreshed every heartbeat). */
  connectionCount(appId: string): number {
    return Math.max(this.#clusterConnections.get(appId) ?? 0, this.#state.connectionCount(appId));
  }

  /** Writes this node's whole share again and announces the net changes. */
  async resync(): Promise<void> {
    this.#needsResync = false;
    try {
      const snapshot = JSON.stringify(this.#state.snapshot());
      const changes = await this.#sync(this.nodeId, 'replace', snapshot);
      this.#announce(changes, 'resync');
    } catch (error) {
      this.#needsResync = true;
      throw error;
    }
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.#heartbeat.stop();
    if (this.#degraded === false && this.#redis.status === 'ready') {
      try {
        this.#announce(await this.#sync(this.nodeId, 'leave', '{}'), 'leave');
      } catch (error) {
        this.logger.warn({ err: error, node: this.nodeId }, 'could not remove this node from the Redis cluster');
      }
    }
    this.#state.clear();
    await Promise.allSettled([this.#redis.quit(), this.#subscriber.quit()]);
    this.#redis.disconnect();
    this.#subscriber.disconnect();
  }

  #scriptHead(appId: string, channel: string): [string, string, string, string, string] {
    return [this.config.prefix, this.nodeId, appId, channel, subscriptionField(appId, channel)];
  }

  async #sync(nodeId: string, mode: 'replace' | 'reap' | 'leave', state: string): Promise<SyncChanges> {
    const { prefix, nodeExpiryMs } = this.config;
    const json = await this.#timed(
      `sync_${mode}`,
      this.#redis.inloopSync(prefix, nodeId, mode, nodeExpiryMs, this.#nodeInfo, state),
    );
    return parseSyncChanges(json);
  }

  async #reap(nodeId: string): Promise<void> {
    const changes = await this.#sync(nodeId, 'reap', '{}');
    if (changes.alive) return;
    this.logger.warn(
      { node: nodeId, membersRemoved: changes.removed.length, channelsVacated: changes.vacated.length },
      'a relay node stopped sending heartbeats; removed its connections from the cluster',
    );
    this.#announce(changes, 'reap');
  }

  /**
   * Tells every node's subscribers about members that came or went in a sync, and the webhooks
   * about channels and members of the whole cluster (only the node that ran the sync sees them).
   */
  #announce(changes: SyncChanges, cause: ClusterChangeCause): void {
    const sink = this.#hooks?.channelEvents;
    for (const [appId, channel] of changes.occupied) sink?.emit(appId, { name: 'channel_occupied', channel });
    for (const [appId, channel, userId, info] of changes.added) {
      this.publish(appId, channel, frames.memberAdded(channel, userId, parseInfo(info)));
      sink?.emit(appId, { name: 'member_added', channel, user_id: userId });
    }
    for (const [appId, channel, userId] of changes.removed) {
      this.publish(appId, channel, frames.memberRemoved(channel, userId));
      sink?.emit(appId, { name: 'member_removed', channel, user_id: userId });
    }
    for (const [appId, channel] of changes.vacated) sink?.emit(appId, { name: 'channel_vacated', channel });
    if (cause !== 'leave' && changes.removed.length + changes.added.length > 0) {
      this.logger.info(
        { cause, added: changes.added.length, removed: changes.removed.length },
        'cluster presence changed',
      );
    }
  }

  async #onBeat(): Promise<void> {
    if (this.#needsResync) await this.resync();
    const counts = await this.#redis.hgetall(this.keys.connections);
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

  #watchConnections(): void {
    this.#redis.on('error', (error: Error) => this.logger.debug({ err: error }, 'Redis connection error'));
    this.#subscriber.on('error', (error: Error) => this.logger.debug({ err: error }, 'Redis subscriber error'));
    this.#redis.on('close', () => {
      if (!this.#connectedOnce || this.#closed || this.#degraded) return;
      this.#degraded = true;
      this.logger.warn(
        { node: this.nodeId },
        'lost the connection to Redis: serving this node only until it is back (other nodes miss its events)',
      );
    });
    this.#redis.on('ready', () => {
      if (!this.#connectedOnce || this.#closed) return;
      this.#degraded = false;
      this.logger.info({ node: this.nodeId }, 'Redis connection is back; resynchronising this node');
      const scriptsLoaded = loadScripts(this.#redis);
      this.resync().catch((error: unknown) => this.#failed('resync', error));
      scriptsLoaded.catch((error: unknown) => this.#failed('loadScripts', error));
    });
  }

  /** A failed Redis call: the node keeps going on its own state and resyncs later. */
  #failed(operation: string, error: unknown): void {
    if (this.#closed) return;
    this.#needsResync = true;
    const level = this.#degraded ? 'debug' : 'warn';
    this.logger[level](
      { err: error, operation, node: this.nodeId },
      `Redis ${operation} failed; using this node's state`,
    );
  }

  async #fallback<T>(operation: string, shared: Promise<T>, local: () => T): Promise<T> {
    try {
      return await this.#timed(operation, shared);
    } catch (error) {
      this.#failed(operation, error);
      return local();
    }
  }

  async #timed<T>(operation: string, work: Promise<T>): Promise<T> {
    if (!this.#hooks) return work;
    const started = performance.now();
    const result = await work;
    this.#hooks.roundTrip(operation, (performance.now() - started) / 1000);
    return result;
  }

  async #presenceData(appId: string, channel: string): Promise<PresenceData> {
    return toPresenceData(await this.presenceMembers(appId, channel));
  }

  #localStats(appId: string, channel: string): ChannelStats {
    const stats: ChannelStats = { subscriptionCount: this.#state.subscriptionCount(appId, channel) };
    if (channel.startsWith('presence-')) stats.userCount = this.#state.members(appId, channel).length;
    return stats;
  }
}

function toPresenceData(members: PresenceMember[]): PresenceData {
  const hash: Record<string, unknown> = {};
  for (const member of members) hash[member.userId] = member.userInfo ?? null;
  return { ids: members.map((member) => member.userId), hash, count: members.length };
}

/** HGETALL's flat [userId, infoJson, ...] reply of the presence info hash. */
function presenceFromHash(flat: string[]): PresenceData {
  const members: PresenceMember[] = [];
  for (let i = 0; i < flat.length; i += 2) {
    members.push({ userId: flat[i] as string, userInfo: parseInfo(flat[i + 1] as string) });
  }
  return toPresenceData(members);
}

function redactedUrl(url: string): string {
  return url.replace(/\/\/[^@/]*@/, '//***@');
}

/** Creates and connects a Redis adapter. */
export async function createRedisAdapter(config: RedisAdapterConfig, logger: FastifyBaseLogger): Promise<RedisAdapter> {
  const adapter = new RedisAdapter(config, logger);
  await adapter.start();
  return adapter;
}
