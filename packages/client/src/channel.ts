import { type ChannelInfo, encodeClientFrame, type ServerFrame } from '@inloop/protocol';
import type { ChannelAuth } from './auth.js';
import { Emitter } from './emitter.js';
import { ClientErrorCode, InloopClientError, invalidOption } from './errors.js';
import { channelInfo } from './frame.js';
import type { PresenceMembers } from './presence.js';

/** What a channel needs from the connection: the channel logic is the same on every transport. */
export interface ChannelLink {
  socketId(): string | undefined;
  send(frame: string): boolean;
  authorize(channel: string, socketId: string): Promise<ChannelAuth>;
  /** Member tracking of presence channels, when the app opted in (`presence` in connect()). */
  Members?: (new () => PresenceMembers) | undefined;
}

export interface EventMeta {
  channel: string;
  event: string;
  userId?: string;
}

export type EventCallback = (data: unknown, meta: EventMeta) => void;

export type SubscriptionState = 'unsubscribed' | 'pending' | 'subscribed' | 'failed';

/** Listeners of every event of a channel are kept under this key. */
const ALL = '';

/**
 * One type for every channel: public, private, presence and cache channels differ only in whether
 * they need authorization and in the extra events they emit (`pusher:cache_miss`, member events).
 */
export class Channel extends Emitter<Record<string, [unknown, EventMeta]>> {
  readonly info: ChannelInfo;
  /** Present on presence channels when connect() got `presence: PresenceMembers`. */
  readonly members: PresenceMembers | null;
  state: SubscriptionState = 'unsubscribed';
  /** Bumped on each subscribe so a slow authorization for an old socket is ignored. */
  #generation = 0;
  #wanted = true;
  readonly #link: ChannelLink;

  constructor(
    readonly name: string,
    link: ChannelLink,
  ) {
    super();
    this.#link = link;
    this.info = channelInfo(name);
    if (this.info.kind === 'private-encrypted') {
      throw new InloopClientError(
        ClientErrorCode.ChannelUnsupported,
        `"${name}" is an encrypted channel; @inloop/client does not decrypt, use a private- channel`,
      );
    }
    const { Members } = link;
    this.members = this.info.kind === 'presence' && Members ? new Members() : null;
  }

  get subscribed(): boolean {
    return this.state === 'subscribed';
  }

  bind(event: string, callback: EventCallback): () => void {
    return this.on(event, callback);
  }

  /** Every event of the channel, internal ones included. */
  bindGlobal(callback: EventCallback): () => void {
    return this.on(ALL, callback);
  }

  unbind(event?: string, callback?: EventCallback): void {
    this.off(event, callback);
  }

  /** Sends a client event (`client-…`) on a private or presence channel; false when not subscribed. */
  trigger(event: string, data: unknown): boolean {
    if (!event.startsWith('client-')) invalidOption(`client events start with "client-", not "${event}"`);
    return this.subscribed && this.#link.send(encodeClientFrame(event, data, this.name));
  }

  /** @internal Subscribes on the current socket (called on every connect and reconnect). */
  async subscribe(): Promise<void> {
    this.#wanted = true;
    const socketId = this.#link.socketId();
    if (!socketId) return;
    const generation = ++this.#generation;
    this.state = 'pending';
    const data: { channel: string; auth?: string; channel_data?: string } = { channel: this.name };
    if (this.info.requiresAuth && this.info.kind !== 'server-to-user') {
      try {
        Object.assign(data, await this.#link.authorize(this.name, socketId));
      } catch (error) {
        if (generation !== this.#generation) return;
        this.state = 'failed';
        const status = (error as InloopClientError).status ?? 0;
        this.emit('pusher:subscription_error', { type: 'AuthError', error: (error as Error).message, status });
        return;
      }
      if (generation !== this.#generation || socketId !== this.#link.socketId()) return;
    }
    this.members?.setMe(data.channel_data);
    this.#link.send(
      encodeClientFrame('pusher:subscribe', { channel: this.name, auth: data.auth, channel_data: data.channel_data }),
    );
  }

  /** @internal */
  unsubscribe(): void {
    this.#wanted = false;
    this.#generation++;
    if (this.state === 'subscribed' || this.state === 'pending')
      this.#link.send(encodeClientFrame('pusher:unsubscribe', { channel: this.name }));
    this.state = 'unsubscribed';
  }

  /** @internal The socket is gone; the subscription is renewed on the next connect. */
  disconnected(): void {
    this.#generation++;
    if (this.#wanted) this.state = 'unsubscribed';
  }

  /** @internal */
  handle(frame: ServerFrame): void {
    let { event, data } = frame as { event: string; data: unknown };
    if (event === 'pusher_internal:subscription_succeeded') {
      this.state = 'subscribed';
      event = 'pusher:subscription_succeeded';
    } else if (event === 'pusher:subscription_error') {
      this.state = 'failed';
    }
    const delivered: [string, unknown] | null = this.members ? this.members.receive(event, data) : [event, data];
    if (delivered) this.emit(delivered[0], delivered[1], (frame as { user_id?: string }).user_id);
  }

  /** @internal Delivers an event to the channel's listeners (also used for server-to-user messages). */
  override emit(event: string, data?: unknown, userId?: unknown): void {
    const meta: EventMeta = { channel: this.name, event };
    if (userId !== undefined) meta.userId = userId as string;
    super.emit(ALL, data, meta);
    super.emit(event, data, meta);
  }
}
