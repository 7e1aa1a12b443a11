import { clientFrames, type ServerFrame, serverToUserChannel } from '@inloop/protocol';
import { authenticateUser } from './auth.js';
import { Channel } from './channel.js';
import type { InloopClient } from './client.js';

export interface SignedInUser {
  id: string;
  info?: unknown;
  [key: string]: unknown;
}

/**
 * User sign-in (`pusher:signin`) on a client, from `@inloop/client/user` so apps without it do not
 * ship it: once asked for, it signs in again after every reconnect and keeps the user's
 * server-to-user channel subscribed, as pusher-js does.
 */
export class UserSession {
  requested = false;
  data: SignedInUser | null = null;
  /** Messages sent to this user (server-to-user); bind on it like on any channel. */
  channel: Channel | null = null;
  private bindings: Array<[string, (data: unknown) => void]> = [];
  private waiters: Array<[resolve: (user: SignedInUser) => void, reject: (error: unknown) => void]> = [];

  constructor(private readonly client: InloopClient) {
    const { connection } = client;
    connection.on('connected', () => void this.start());
    connection.on('state_change', ({ current }) => {
      if (current !== 'connected') this.channel?.disconnected();
    });
    connection.on('message', (frame) => this.handle(frame));
  }

  /** Signs the user in through `userAuthEndpoint`; again after every reconnect. */
  signin(): Promise<SignedInUser> {
    this.requested = true;
    const done = new Promise<SignedInUser>((...settle) => this.waiters.push(settle));
    if (this.client.state === 'connected') void this.start();
    return done;
  }

  /** Binds to events sent to the signed-in user, before or after sign-in. */
  bind(event: string, callback: (data: unknown) => void): void {
    this.bindings.push([event, callback]);
    this.channel?.bind(event, callback);
  }

  private async start(): Promise<void> {
    const { connection, options } = this.client;
    const { socketId } = connection;
    if (!this.requested || !socketId) return;
    try {
      const auth = await authenticateUser(options, socketId);
      if (socketId === connection.socketId) connection.send(clientFrames.signin(auth.auth, auth.user_data));
    } catch (error) {
      this.settle(1, error);
    }
  }

  private handle(frame: ServerFrame): void {
    const { event, channel, data } = frame as { event: string; channel?: string; data: { user_data?: string } };
    if (event !== 'pusher:signin_success') {
      if (channel && channel === this.channel?.name) this.channel.handle(frame);
      return;
    }
    try {
      const user = JSON.parse(String(data.user_data)) as SignedInUser;
      const name = serverToUserChannel(String(user.id));
      if (this.channel?.name !== name) {
        this.channel = new Channel(name, this.client.link);
        for (const [bound, callback] of this.bindings) this.channel.bind(bound, callback);
      }
      void this.channel.subscribe();
      this.data = user;
      this.settle(0, user);
    } catch (error) {
      this.settle(1, error);
    }
  }

  /** Resolves (0) or rejects (1) every pending signin(). */
  private settle(outcome: 0 | 1, value: unknown): void {
    for (const waiter of this.waiters.splice(0)) waiter[outcome](value as SignedInUser);
  }
}
