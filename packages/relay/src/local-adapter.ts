import type { PresenceData } from '@inloop/protocol';
import type { Adapter, AdapterSubscriber, ChannelStats, JoinResult, LeaveResult, PresenceMember } from './adapter.js';
import { UserConnections } from './user-connections.js';

interface PresenceState {
  /** userId → the member's info and how many of its connections are subscribed. */
  members: Map<string, { info: unknown; connections: number }>;
  userOf: Map<AdapterSubscriber, string>;
}

interface ChannelState {
  subscribers: Set<AdapterSubscriber>;
  presence?: PresenceState;
}

interface AppState {
  channels: Map<string, ChannelState>;
  cache: Map<string, { frame: string; expiresAt: number }>;
  connections: number;
}

function presenceData(presence: PresenceState): PresenceData {
  const ids: string[] = [];
  const hash: Record<string, unknown> = {};
  for (const [userId, member] of presence.members) {
    ids.push(userId);
    hash[userId] = member.info ?? null;
  }
  return { ids, hash, count: ids.length };
}

/** Channel state of one relay process, in memory. */
export class LocalAdapter implements Adapter {
  readonly #users = new UserConnections();
  readonly #apps = new Map<string, AppState>();

  #app(appId: string): AppState {
    let app = this.#apps.get(appId);
    if (!app) {
      app = { channels: new Map(), cache: new Map(), connections: 0 };
      this.#apps.set(appId, app);
    }
    return app;
  }

  async join(
    appId: string,
    channel: string,
    subscriber: AdapterSubscriber,
    member?: PresenceMember,
  ): Promise<JoinResult> {
    const app = this.#app(appId);
    let state = app.channels.get(channel);
    const channelOccupied = state === undefined;
    if (!state) {
      state = { subscribers: new Set() };
      app.channels.set(channel, state);
    }
    state.subscribers.add(subscriber);
    if (!member) return { channelOccupied, memberAdded: false };

    state.presence ??= { members: new Map(), userOf: new Map() };
    const presence = state.presence;
    const previousUser = presence.userOf.get(subscriber);
    if (previousUser !== undefined) return { channelOccupied, memberAdded: false, presence: presenceData(presence) };
    presence.userOf.set(subscriber, member.userId);
    const existing = presence.members.get(member.userId);
    if (existing) existing.connections += 1;
    else presence.members.set(member.userId, { info: member.userInfo, connections: 1 });
    return { channelOccupied, memberAdded: !existing, presence: presenceData(presence) };
  }

  async leave(appId: string, channel: string, subscriber: AdapterSubscriber): Promise<LeaveResult> {
    const app = this.#apps.get(appId);
    const state = app?.channels.get(channel);
    if (!app || !state?.subscribers.delete(subscriber)) return { channelVacated: false };
    const result: LeaveResult = { channelVacated: state.subscribers.size === 0 };
    const userId = state.presence?.userOf.get(subscriber);
    if (state.presence && userId !== undefined) {
      state.presence.userOf.delete(subscriber);
      const member = state.presence.members.get(userId);
      if (member && --member.connections === 0) {
        state.presence.members.delete(userId);
        result.memberRemoved = userId;
      }
    }
    if (result.channelVacated) app.channels.delete(channel);
    return result;
  }

  async presenceCount(appId: string, channel: string): Promise<number> {
    return this.#apps.get(appId)?.channels.get(channel)?.presence?.members.size ?? 0;
  }

  publish(appId: string, channel: string, frame: string, exceptSocketId?: string): void {
    const state = this.#apps.get(appId)?.channels.get(channel);
    if (!state) return;
    if (exceptSocketId === undefined) {
      for (const subscriber of state.subscribers) subscriber.send(frame);
      return;
    }
    for (const subscriber of state.subscribers) {
      if (subscriber.socketId !== exceptSocketId) subscriber.send(frame);
    }
  }

  async setCachedEvent(appId: string, channel: string, frame: string, ttlSeconds: number): Promise<void> {
    this.#app(appId).cache.set(channel, { frame, expiresAt: Date.now() + ttlSeconds * 1000 });
  }

  async cachedEvent(appId: string, channel: string): Promise<string | undefined> {
    const cache = this.#apps.get(appId)?.cache;
    const entry = cache?.get(channel);
    if (!entry) return undefined;
    if (entry.expiresAt <= Date.now()) {
      cache?.delete(channel);
      return undefined;
    }
    return entry.frame;
  }

  async channels(appId: string, prefix: string): Promise<Map<string, ChannelStats>> {
    const out = new Map<string, ChannelStats>();
    for (const [name, state] of this.#apps.get(appId)?.channels ?? []) {
      if (name.startsWith(prefix)) out.set(name, stats(state));
    }
    return out;
  }

  async channel(appId: string, channel: string): Promise<ChannelStats | undefined> {
    const state = this.#apps.get(appId)?.channels.get(channel);
    return state ? stats(state) : undefined;
  }

  async presenceMembers(appId: string, channel: string): Promise<PresenceMember[]> {
    const members = this.#apps.get(appId)?.channels.get(channel)?.presence?.members;
    return [...(members ?? [])].map(([userId, member]) => ({ userId, userInfo: member.info }));
  }

  addUser(appId: string, userId: string, subscriber: AdapterSubscriber): void {
    this.#users.add(appId, userId, subscriber);
  }

  removeUser(appId: string, userId: string, subscriber: AdapterSubscriber): void {
    this.#users.remove(appId, userId, subscriber);
  }

  terminateUserConnections(appId: string, userId: string): void {
    this.#users.terminate(appId, userId);
  }

  countConnection(appId: string, delta: 1 | -1): void {
    this.#app(appId).connections += delta;
  }

  connectionCount(appId: string): number {
    return this.#apps.get(appId)?.connections ?? 0;
  }

  async close(): Promise<void> {
    this.#apps.clear();
    this.#users.clear();
  }
}

function stats(state: ChannelState): ChannelStats {
  const out: ChannelStats = { subscriptionCount: state.subscribers.size };
  if (state.presence) out.userCount = state.presence.members.size;
  return out;
}
