import type { Adapter, AdapterSubscriber, ChannelStats, JoinResult, LeaveResult, PresenceMember } from '../adapter.js';
import type { ChannelEventSink } from './webhook-events.js';

const CLIENT_EVENT_FRAME_START = '{"event":"client-';

/**
 * The adapter as connections see it: every call goes to `inner`, and the outcomes of joins,
 * leaves, cache lookups and client-event publishes become webhook events. Occupied/vacated
 * and member added/removed come from the adapter's own results, so an adapter spanning nodes
 * decides them for the whole cluster.
 */
export class ChannelEventsAdapter implements Adapter {
  constructor(
    private readonly inner: Adapter,
    private readonly sink: ChannelEventSink,
  ) {}

  async join(
    appId: string,
    channel: string,
    subscriber: AdapterSubscriber,
    member?: PresenceMember,
  ): Promise<JoinResult> {
    const result = await this.inner.join(appId, channel, subscriber, member);
    if (result.channelOccupied) this.sink.emit(appId, { name: 'channel_occupied', channel });
    if (result.memberAdded && member) {
      this.sink.emit(appId, { name: 'member_added', channel, user_id: member.userId });
    }
    return result;
  }

  async leave(appId: string, channel: string, subscriber: AdapterSubscriber): Promise<LeaveResult> {
    const result = await this.inner.leave(appId, channel, subscriber);
    if (result.memberRemoved !== undefined) {
      this.sink.emit(appId, { name: 'member_removed', channel, user_id: result.memberRemoved });
    }
    if (result.channelVacated) this.sink.emit(appId, { name: 'channel_vacated', channel });
    return result;
  }

  /** Connections look a cache channel up only when they subscribe: a miss is Pusher's cache_miss. */
  async cachedEvent(appId: string, channel: string): Promise<string | undefined> {
    const frame = await this.inner.cachedEvent(appId, channel);
    if (frame === undefined) this.sink.emit(appId, { name: 'cache_miss', channel });
    return frame;
  }

  /** Connections publish client events (and presence frames); client events are reported. */
  publish(appId: string, channel: string, frame: string, exceptSocketId?: string): void {
    this.inner.publish(appId, channel, frame, exceptSocketId);
    if (exceptSocketId === undefined || !frame.startsWith(CLIENT_EVENT_FRAME_START)) return;
    if (!this.sink.wants(appId, 'client_event')) return;
    const sent = JSON.parse(frame) as { event: string; data: string; user_id?: string };
    this.sink.emit(appId, {
      name: 'client_event',
      channel,
      event: sent.event,
      data: sent.data,
      socket_id: exceptSocketId,
      ...(sent.user_id === undefined ? {} : { user_id: sent.user_id }),
    });
  }

  presenceCount(appId: string, channel: string): Promise<number> {
    return this.inner.presenceCount(appId, channel);
  }
  setCachedEvent(appId: string, channel: string, frame: string, ttlSeconds: number): Promise<void> {
    return this.inner.setCachedEvent(appId, channel, frame, ttlSeconds);
  }
  channels(appId: string, prefix: string): Promise<Map<string, ChannelStats>> {
    return this.inner.channels(appId, prefix);
  }
  channel(appId: string, channel: string): Promise<ChannelStats | undefined> {
    return this.inner.channel(appId, channel);
  }
  presenceMembers(appId: string, channel: string): Promise<PresenceMember[]> {
    return this.inner.presenceMembers(appId, channel);
  }
  addUser(appId: string, userId: string, subscriber: AdapterSubscriber): void {
    this.inner.addUser(appId, userId, subscriber);
  }
  removeUser(appId: string, userId: string, subscriber: AdapterSubscriber): void {
    this.inner.removeUser(appId, userId, subscriber);
  }
  terminateUserConnections(appId: string, userId: string): void {
    this.inner.terminateUserConnections(appId, userId);
  }
  countConnection(appId: string, delta: 1 | -1): void {
    this.inner.countConnection(appId, delta);
  }
  connectionCount(appId: string): number {
    return this.inner.connectionCount(appId);
  }
  close(): Promise<void> {
    return this.inner.close();
  }
}
