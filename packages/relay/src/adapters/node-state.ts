import type { AdapterSubscriber, PresenceMember } from '../adapter.js';
import { presenceField, subscriptionField } from './redis-keys.js';
import { UserConnections } from '../user-connections.js';

interface LocalChannel {
  subscribers: Set<AdapterSubscriber>;
  /** Presence channels: the user of each subscribed connection. */
  userOf?: Map<AdapterSubscriber, PresenceMember>;
}

interface LocalApp {
  channels: Map<string, LocalChannel>;
  connections: number;
}

/** This node's share of the cluster, in the shape the sync script takes (see redis-scripts.ts). */
export interface NodeSnapshot {
  subs: Array<[string, string, string, number]>;
  pres: Array<[string, string, string, string, number, string]>;
  conns: Array<[string, number]>;
}

export interface LocalLeave {
  /** False when the subscriber was not subscribed. */
  left: boolean;
  /** Presence channels: the user of the connection that left. */
  userId?: string;
  /** True when no subscriber of this node is left on the channel. */
  locallyVacated: boolean;
  /** Presence: true when the user has no other connection on this node. */
  lastLocalConnectionOfUser: boolean;
}

/** The connections of this node: who is subscribed where, delivery, and the node's snapshot. */
export class NodeState {
  readonly #users = new UserConnections();
  readonly #apps = new Map<string, LocalApp>();

  #app(appId: string): LocalApp {
    let app = this.#apps.get(appId);
    if (!app) {
      app = { channels: new Map(), connections: 0 };
      this.#apps.set(appId, app);
    }
    return app;
  }

  /** Returns false when the subscriber was already subscribed. */
  join(appId: string, channel: string, subscriber: AdapterSubscriber, member?: PresenceMember): boolean {
    const app = this.#app(appId);
    let state = app.channels.get(channel);
    if (!state) {
      state = { subscribers: new Set() };
      app.channels.set(channel, state);
    }
    if (state.subscribers.has(subscriber)) return false;
    state.subscribers.add(subscriber);
    if (member) {
      state.userOf ??= new Map();
      state.userOf.set(subscriber, member);
    }
    return true;
  }

  leave(appId: string, channel: string, subscriber: AdapterSubscriber): LocalLeave {
    const app = this.#apps.get(appId);
    const state = app?.channels.get(channel);
    if (!app || !state?.subscribers.delete(subscriber)) {
      return { left: false, locallyVacated: false, lastLocalConnectionOfUser: false };
    }
    const member = state.userOf?.get(subscriber);
    state.userOf?.delete(subscriber);
    const locallyVacated = state.subscribers.size === 0;
    if (locallyVacated) app.channels.delete(channel);
    if (!member) return { left: true, locallyVacated, lastLocalConnectionOfUser: false };
    const stillHere = [...(state.userOf?.values() ?? [])].some((other) => other.userId === member.userId);
    return { left: true, userId: member.userId, locallyVacated, lastLocalConnectionOfUser: !stillHere };
  }

  deliver(appId: string, channel: string, frame: string, exceptSocketId?: string): void {
    const subscribers = this.#apps.get(appId)?.channels.get(channel)?.subscribers;
    if (!subscribers) return;
    if (exceptSocketId === undefined) {
      for (const subscriber of subscribers) subscriber.send(frame);
      return;
    }
    for (const subscriber of subscribers) {
      if (subscriber.socketId !== exceptSocketId) subscriber.send(frame);
    }
  }

  /** Members of a presence channel on this node only (used while Redis is unreachable). */
  members(appId: string, channel: string): PresenceMember[] {
    const byUser = new Map<string, PresenceMember>();
    for (const member of this.#apps.get(appId)?.channels.get(channel)?.userOf?.values() ?? []) {
      if (!byUser.has(member.userId)) byUser.set(member.userId, member);
    }
    return [...byUser.values()];
  }

  /** Connections of `userId` subscribed to a presence channel on this node. */
  userConnections(appId: string, channel: string, userId: string): number {
    let count = 0;
    for (const member of this.#apps.get(appId)?.channels.get(channel)?.userOf?.values() ?? []) {
      if (member.userId === userId) count += 1;
    }
    return count;
  }

  subscriptionCount(appId: string, channel: string): number {
    return this.#apps.get(appId)?.channels.get(channel)?.subscribers.size ?? 0;
  }

  channelNames(appId: string): string[] {
    return [...(this.#apps.get(appId)?.channels.keys() ?? [])];
  }

  addUser(appId: string, userId: string, subscriber: AdapterSubscriber): void {
    this.#users.add(appId, userId, subscriber);
  }

  removeUser(appId: string, userId: string, subscriber: AdapterSubscriber): void {
    this.#users.remove(appId, userId, subscriber);
  }

  terminateUser(appId: string, userId: string): void {
    this.#users.terminate(appId, userId);
  }

  countConnection(appId: string, delta: 1 | -1): void {
    this.#app(appId).connections += delta;
  }

  connectionCount(appId: string): number {
    return this.#apps.get(appId)?.connections ?? 0;
  }

  snapshot(): NodeSnapshot {
    const snapshot: NodeSnapshot = { subs: [], pres: [], conns: [] };
    for (const [appId, app] of this.#apps) {
      if (app.connections > 0) snapshot.conns.push([appId, app.connections]);
      for (const [channel, state] of app.channels) {
        snapshot.subs.push([subscriptionField(appId, channel), appId, channel, state.subscribers.size]);
        const perUser = new Map<string, { count: number; member: PresenceMember }>();
        for (const member of state.userOf?.values() ?? []) {
          const entry = perUser.get(member.userId);
          if (entry) entry.count += 1;
          else perUser.set(member.userId, { count: 1, member });
        }
        for (const [userId, { count, member }] of perUser) {
          const info = JSON.stringify(member.userInfo ?? null);
          snapshot.pres.push([presenceField(appId, channel, userId), appId, channel, userId, count, info]);
        }
      }
    }
    return snapshot;
  }

  clear(): void {
    this.#apps.clear();
    this.#users.clear();
  }
}
