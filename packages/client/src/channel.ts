import { type ChannelInfo, clientFrames, type PresenceData, type ServerFrame } from '@inloop/protocol';
import type { ChannelAuth } from './auth.js';
import { reportListenerError } from './emitter.js';
import { ClientErrorCode, InloopClientError } from './errors.js';
import { channelInfo } from './frame.js';
import { PresenceMembers } from './presence.js';

/** What a channel needs from the connection: the channel logic is the same on every transport. */
export interface ChannelLink {
  socketId(): string | undefined;
  send(frame: string): boolean;
  authorize(channel: string, socketId: string): Promise<ChannelAuth>;
}

export interface EventMeta {
  channel: string;
  event: string;
  userId?: string;
}

export type EventCallback = (data: unknown, meta: EventMeta) => void;

export type SubscriptionState = 'unsubscribed' | 'pending' | 'subscribed' | 'failed';

/**
 * One type for every channel: public, private, presence and cache channels differ only in whether
 * they need authorization and in the extra events they emit (`pusher:cache_miss`, member events).
 */
export class Channel {
  readonly info: ChannelInfo;
  /** Present on presence channels. */
  readonly members: PresenceMembers | null;
  state: SubscriptionState = 'unsubscribed';
  private readonly callbacks = new Map<string, Set<EventCallback>>();
  private readonly globalCallbacks = new Set<EventCallback>();
  /** Bumped on each subscribe so a slow authorization for an old socket is ignored. */
  private generation = 0;
  private wanted = true;

  constructor(
    readonly name: string,
    private readonly link: ChannelLink,
  ) {
    this.info = channelInfo(name);
    if (this.info.kind === 'private-encrypted') {
      throw new InloopClientError(
        ClientErrorCode.ChannelUnsupported,
        `"${name}" is an encrypted channel; @inloop/client does not decrypt, use a private- channel`,
      );
    }
    this.members = this.info.kind === 'presence' ? new PresenceMembers() : null;
  }

  get subscribed(): boolean {
    return this.state === 'subscribed';
  }

  bind(event: string, callback: EventCallback): () => void {
    let set = this.callbacks.get(event);
    if (!set) {
      set = new Set();
      this.callbacks.set(event, set);
    }
    set.add(callback);
    return () => this.unbind(event, callback);
  }

  /** Every event of the channel, internal ones included. */
  bindGlobal(callback: EventCallback): () => void {
    this.globalCallbacks.add(callback);
    return () => this.globalCallbacks.delete(callback);
  }

  unbind(event?: string, callback?: EventCallback): void {
    if (event === undefined) this.callbacks.clear();
    else if (callback === undefined) this.callbacks.delete(event);
    else this.callbacks.get(event)?.delete(callback);
  }

  /** Sends a client event (`client-…`) on a private or presence channel; false when not subscribed. */
  trigger(event: string, data: unknown): boolean {
    if (!event.startsWith('client-')) {
      throw new InloopClientError(
        ClientErrorCode.ConfigInvalid,
        `client events must start with "client-", got "${event}"`,
      );
    }
    if (!this.subscribed) return false;
    return this.link.send(clientFrames.clientEvent(this.name, event, data));
  }

  /** @internal Subscribes on the current socket (called on every connect and reconnect). */
  async subscribe(): Promise<void> {
    this.wanted = true;
    const socketId = this.link.socketId();
    if (!socketId) return;
    const generation = ++this.generation;
    this.state = 'pending';
    let auth: ChannelAuth | undefined;
    if (this.info.requiresAuth && this.info.kind !== 'server-to-user') {
      try {
        auth = await this.link.authorize(this.name, socketId);
      } catch (error) {
        if (generation !== this.generation) return;
        this.state = 'failed';
        const status = error instanceof InloopClientError ? (error.status ?? 0) : 0;
        this.emit('pusher:subscription_error', { type: 'AuthError', error: (error as Error).message, status });
        return;
      }
      if (generation !== this.generation || socketId !== this.link.socketId()) return;
    }
    this.members?.setMe(auth?.channel_data);
    const data: { channel: string; auth?: string; channel_data?: string } = { channel: this.name };
    if (auth) data.auth = auth.auth;
    if (auth?.channel_data) data.channel_data = auth.channel_data;
    this.link.send(clientFrames.subscribe(data));
  }

  /** @internal */
  unsubscribe(): void {
    this.wanted = false;
    this.generation++;
    if (this.state === 'subscribed' || this.state === 'pending') this.link.send(clientFrames.unsubscribe(this.name));
    this.state = 'unsubscribed';
  }

  /** @internal The socket is gone; the subscription is renewed on the next connect. */
  disconnected(): void {
    this.generation++;
    if (this.wanted) this.state = 'unsubscribed';
  }

  /** @internal */
  handle(frame: ServerFrame): void {
    const data = (frame as { data?: unknown }).data;
    switch (frame.event) {
      case 'pusher_internal:subscription_succeeded': {
        this.state = 'subscribed';
        this.members?.reset((data as { presence?: PresenceData } | undefined)?.presence);
        this.emit('pusher:subscription_succeeded', this.members ?? data);
        return;
      }
      case 'pusher:subscription_error':
        this.state = 'failed';
        this.emit(frame.event, data);
        return;
      case 'pusher_internal:member_added': {
        const member = data as { user_id: string; user_info?: unknown };
        const added = this.members?.add(String(member.user_id), member.user_info);
        if (added) this.emit('pusher:member_added', added);
        return;
      }
      case 'pusher_internal:member_removed': {
        const removed = this.members?.remove(String((data as { user_id: string }).user_id));
        if (removed) this.emit('pusher:member_removed', removed);
        return;
      }
      default:
        this.emit(frame.event, data, (frame as { user_id?: string }).user_id);
    }
  }

  /** @internal Delivers an event to the channel's listeners (also used for server-to-user messages). */
  emit(event: string, data: unknown, userId?: string): void {
    const meta: EventMeta = { channel: this.name, event };
    if (userId !== undefined) meta.userId = userId;
    for (const callback of [...this.globalCallbacks, ...(this.callbacks.get(event) ?? [])]) {
      try {
        callback(data, meta);
      } catch (error) {
        reportListenerError(error);
      }
    }
  }
}
