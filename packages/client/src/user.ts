import { clientFrames, type ServerFrame, serverToUserChannel } from '@inloop/protocol';
import { authenticateUser } from './auth.js';
import { Channel, type ChannelLink } from './channel.js';
import type { Connection } from './connection.js';
import type { ResolvedOptions } from './options.js';

export interface SignedInUser {
  id: string;
  info?: unknown;
  [key: string]: unknown;
}

/**
 * User sign-in (`pusher:signin`): once asked for, it signs in again after every reconnect and
 * keeps the user's server-to-user channel subscribed, as pusher-js does.
 */
export class UserSession {
  requested = false;
  data: SignedInUser | null = null;
  /** Messages sent to this user (server-to-user); bind on it like on any channel. */
  channel: Channel | null = null;
  private bindings: Array<[string, (data: unknown) => void]> = [];
  private waiters: Array<[resolve: (user: SignedInUser) => void, reject: (error: unknown) => void]> = [];

  constructor(
    private readonly options: ResolvedOptions,
    private readonly connection: Connection,
    private readonly link: ChannelLink,
  ) {}

  signin(): Promise<SignedInUser> {
    this.requested = true;
    const done = new Promise<SignedInUser>((...settle) => this.waiters.push(settle));
    if (this.connection.state === 'connected') void this.start();
    return done;
  }

  /** Binds to events sent to the signed-in user, before or after sign-in. */
  bind(event: string, callback: (data: unknown) => void): void {
    this.bindings.push([event, callback]);
    this.channel?.bind(event, callback);
  }

  /** @internal Called on every `connected`. */
  async start(): Promise<void> {
    const { socketId } = this.connection;
    if (!this.requested || !socketId) return;
    try {
      const auth = await authenticateUser(this.options, socketId);
      if (socketId === this.connection.socketId) this.connection.send(clientFrames.signin(auth.auth, auth.user_data));
    } catch (error) {
      this.settle(1, error);
    }
  }

  /** @internal */
  handle(frame: ServerFrame): boolean {
    const { event, channel, data } = frame as { event: string; channel?: string; data: { user_data?: string } };
    if (event === 'pusher:signin_success') {
      try {
        const user = JSON.parse(String(data.user_data)) as SignedInUser;
        const name = serverToUserChannel(String(user.id));
        if (this.channel?.name !== name) {
          this.channel = new Channel(name, this.link);
          for (const [bound, callback] of this.bindings) this.channel.bind(bound, callback);
        }
        void this.channel.subscribe();
        this.data = user;
        this.settle(0, user);
      } catch (error) {
        this.settle(1, error);
      }
      return true;
    }
    if (!this.channel || channel !== this.channel.name) return false;
    this.channel.handle(frame);
    return true;
  }

  /** Resolves (0) or rejects (1) every pending signin(). */
  private settle(outcome: 0 | 1, value: unknown): void {
    for (const waiter of this.waiters.splice(0)) waiter[outcome](value as SignedInUser);
  }
}
