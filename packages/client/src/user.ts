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
  private readonly bindings: Array<[string, (data: unknown) => void]> = [];
  private waiters: Array<{ resolve: (user: SignedInUser) => void; reject: (error: unknown) => void }> = [];

  constructor(
    private readonly options: ResolvedOptions,
    private readonly connection: Connection,
    private readonly link: ChannelLink,
  ) {}

  signin(): Promise<SignedInUser> {
    this.requested = true;
    const done = new Promise<SignedInUser>((resolve, reject) => this.waiters.push({ resolve, reject }));
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
    if (!this.requested) return;
    const socketId = this.connection.socketId;
    if (!socketId) return;
    try {
      const auth = await authenticateUser(this.options, socketId);
      if (socketId === this.connection.socketId) this.connection.send(clientFrames.signin(auth.auth, auth.user_data));
    } catch (error) {
      this.settle(null, error);
    }
  }

  /** @internal */
  handle(frame: ServerFrame): boolean {
    if (frame.event === 'pusher:signin_success') {
      const userData = (frame.data as { user_data?: string }).user_data;
      try {
        this.data = JSON.parse(String(userData)) as SignedInUser;
      } catch {
        this.settle(null, new Error('pusher:signin_success carried user_data that is not JSON'));
        return true;
      }
      this.subscribeUserChannel(String(this.data.id));
      this.settle(this.data, null);
      return true;
    }
    if (this.channel && (frame as { channel?: string }).channel === this.channel.name) {
      this.channel.handle(frame);
      return true;
    }
    return false;
  }

  private subscribeUserChannel(userId: string): void {
    const name = serverToUserChannel(userId);
    if (this.channel?.name !== name) {
      this.channel = new Channel(name, this.link);
      for (const [event, callback] of this.bindings) this.channel.bind(event, callback);
    }
    void this.channel.subscribe();
  }

  private settle(user: SignedInUser | null, error: unknown): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const waiter of waiters) {
      if (user) waiter.resolve(user);
      else waiter.reject(error);
    }
  }
}
