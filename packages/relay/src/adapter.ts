/**
 * Channel state and publishing of the relay, behind one interface so that several relay
 * processes can share it (a `redis` adapter, issue 8) while one process uses `local`.
 *
 * The relay calls the adapter for everything that may span nodes: membership, presence,
 * fan-out, cache channels' last event, user connections and the HTTP API's queries.
 * An adapter delivers to the subscribers of its own node by calling
 * {@link AdapterSubscriber.send} with the frame it was given: one string encoded once
 * per publish, the same for every subscriber (keep that path free of per-subscriber work).
 */
import type { PresenceData } from '@inloop/protocol';

/** A connection of this node, as the adapter sees it. */
export interface AdapterSubscriber {
  readonly socketId: string;
  /** Delivers one encoded frame. */
  send(frame: string): void;
  /** Closes the connection (terminate user connections). */
  close(code: number, reason: string): void;
}

export interface PresenceMember {
  userId: string;
  userInfo?: unknown;
}

export interface JoinResult {
  /** True when this was the channel's first subscriber (across nodes where the adapter can tell). */
  channelOccupied: boolean;
  /** Presence channels: the members after the join. */
  presence?: PresenceData;
  /** Presence channels: true when the user was not a member before (announce member_added). */
  memberAdded: boolean;
}

export interface LeaveResult {
  /** True when the channel has no subscriber left. */
  channelVacated: boolean;
  /** Presence channels: the user id whose last connection left (announce member_removed). */
  memberRemoved?: string;
}

export interface ChannelStats {
  subscriptionCount: number;
  /** Presence channels: distinct users. */
  userCount?: number;
}

export interface Adapter {
  /** Adds a subscriber to a channel; `member` for presence channels. */
  join(appId: string, channel: string, subscriber: AdapterSubscriber, member?: PresenceMember): Promise<JoinResult>;
  /** Removes a subscriber from a channel; resolves even when it was not subscribed. */
  leave(appId: string, channel: string, subscriber: AdapterSubscriber): Promise<LeaveResult>;
  /** Presence members a channel has now (checks limits before a join). */
  presenceCount(appId: string, channel: string): Promise<number>;
  /** Sends `frame` to every subscriber of `channel` on every node, except `exceptSocketId`. */
  publish(appId: string, channel: string, frame: string, exceptSocketId?: string): void;
  /** Remembers the last event of a cache channel for `ttlSeconds`. */
  setCachedEvent(appId: string, channel: string, frame: string, ttlSeconds: number): Promise<void>;
  cachedEvent(appId: string, channel: string): Promise<string | undefined>;
  /** Occupied channels whose name starts with `prefix` (all when empty). */
  channels(appId: string, prefix: string): Promise<Map<string, ChannelStats>>;
  /** Stats of one channel; undefined when nobody is subscribed. */
  channel(appId: string, channel: string): Promise<ChannelStats | undefined>;
  presenceMembers(appId: string, channel: string): Promise<PresenceMember[]>;
  /** A signed-in connection of `userId`. */
  addUser(appId: string, userId: string, subscriber: AdapterSubscriber): void;
  removeUser(appId: string, userId: string, subscriber: AdapterSubscriber): void;
  /** Closes every connection signed in as `userId`, on every node. */
  terminateUserConnections(appId: string, userId: string): void;
  /** Connections of an app across nodes (quota). `delta` is +1 on open and -1 on close of a local one. */
  countConnection(appId: string, delta: 1 | -1): void;
  connectionCount(appId: string): number;
  close(): Promise<void>;
}
