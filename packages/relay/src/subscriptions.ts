import { type ChannelInfo, channelInfo, frames, type SubscribeData, serverToUserChannel } from '@inloop/protocol';
import { verifyChannelAuthorization } from '@inloop/protocol/signing';
import type { PresenceMember } from './adapter.js';
import type { ClientConnection } from './client-connection.js';

/** A refused subscription: sent as `pusher:subscription_error`, the connection stays open. */
class SubscriptionRefused extends Error {
  constructor(
    readonly status: number,
    readonly type: string,
    message: string,
  ) {
    super(message);
  }
}

function utf8Bytes(text: string): number {
  return Buffer.byteLength(text, 'utf8');
}

function classify(channel: string): ChannelInfo {
  try {
    return channelInfo(channel);
  } catch (error) {
    throw new SubscriptionRefused(400, 'InvalidChannel', (error as Error).message);
  }
}

/** Parses and checks a presence subscription's channel_data. */
function presenceMember(connection: ClientConnection, channelData: string | undefined): PresenceMember {
  if (channelData === undefined) {
    throw new SubscriptionRefused(400, 'InvalidChannelData', 'a presence subscription needs channel_data');
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(channelData);
  } catch {
    throw new SubscriptionRefused(400, 'InvalidChannelData', 'channel_data is not valid JSON');
  }
  const record = typeof parsed === 'object' && parsed !== null ? (parsed as Record<string, unknown>) : {};
  const rawId = record.user_id;
  if ((typeof rawId !== 'string' && typeof rawId !== 'number') || rawId === '') {
    throw new SubscriptionRefused(400, 'InvalidChannelData', 'channel_data needs a user_id (string)');
  }
  const userId = String(rawId);
  const { limits } = connection.app;
  if (userId.length > limits.maxUserIdLength) {
    throw new SubscriptionRefused(
      400,
      'LimitReached',
      `user_id is ${userId.length} characters, the limit is ${limits.maxUserIdLength}`,
    );
  }
  const member: PresenceMember = { userId };
  if (record.user_info !== undefined) {
    const infoBytes = utf8Bytes(JSON.stringify(record.user_info));
    if (infoBytes > limits.maxPresenceMemberInfoBytes) {
      throw new SubscriptionRefused(
        413,
        'LimitReached',
        `user_info is ${infoBytes} bytes, the limit is ${limits.maxPresenceMemberInfoBytes}`,
      );
    }
    member.userInfo = record.user_info;
  }
  return member;
}

async function authorize(connection: ClientConnection, info: ChannelInfo, data: SubscribeData): Promise<void> {
  if (info.kind === 'server-to-user') {
    if (connection.userId === undefined || serverToUserChannel(connection.userId) !== info.name) {
      throw new SubscriptionRefused(403, 'AuthError', 'sign in as this user before subscribing to its channel');
    }
    return;
  }
  if (!info.requiresAuth) return;
  const { app, socketId } = connection;
  const valid =
    info.kind === 'presence'
      ? verifyChannelAuthorization(app, socketId, info.name, data.auth, data.channel_data)
      : verifyChannelAuthorization(app, socketId, info.name, data.auth) ||
        // The official `pusher` library signs channel_data into a private channel's auth when given some.
        (data.channel_data !== undefined &&
          verifyChannelAuthorization(app, socketId, info.name, data.auth, data.channel_data));
  if (!valid) {
    throw new SubscriptionRefused(401, 'AuthError', `invalid authorization for ${info.name} on this socket id`);
  }
}

export async function subscribe(connection: ClientConnection, data: SubscribeData): Promise<void> {
  const channel = data.channel;
  if (connection.channels.has(channel) || connection.pending.has(channel)) return;
  connection.pending.add(channel);
  try {
    const info = classify(channel);
    await authorize(connection, info, data);
    const member = info.kind === 'presence' ? presenceMember(connection, data.channel_data) : undefined;
    await join(connection, info, member);
  } catch (error) {
    if (!(error instanceof SubscriptionRefused)) throw error;
    connection.logger.debug(
      { socketId: connection.socketId, appId: connection.app.id, channel: channel.slice(0, 200), status: error.status },
      `subscription refused: ${error.message}`,
    );
    connection.send(frames.subscriptionError(channel, error.status, error.message, error.type));
  } finally {
    connection.pending.delete(channel);
  }
}

async function join(connection: ClientConnection, info: ChannelInfo, member: PresenceMember | undefined) {
  const { adapter } = connection.context;
  const appId = connection.app.id;
  if (member) {
    const count = await adapter.presenceCount(appId, info.name);
    const alreadyMember = (await adapter.presenceMembers(appId, info.name)).some((m) => m.userId === member.userId);
    if (!alreadyMember && count >= connection.app.limits.maxPresenceMembers) {
      throw new SubscriptionRefused(
        403,
        'LimitReached',
        `presence channel is full (${connection.app.limits.maxPresenceMembers} members)`,
      );
    }
  }
  const result = await adapter.join(appId, info.name, connection, member);
  if (connection.closed) {
    await adapter.leave(appId, info.name, connection);
    return;
  }
  connection.channels.set(info.name, member ? { userId: member.userId } : {});
  connection.send(frames.subscriptionSucceeded(info.name, result.presence));
  if (member && result.memberAdded) {
    adapter.publish(
      appId,
      info.name,
      frames.memberAdded(info.name, member.userId, member.userInfo),
      connection.socketId,
    );
  }
  if (info.cache) {
    const cached = await adapter.cachedEvent(appId, info.name);
    connection.send(cached ?? frames.cacheMiss(info.name));
  }
}

/** Leaves a channel; `closing` lets a closed connection clean up. */
export async function unsubscribe(connection: ClientConnection, channel: string, closing = false): Promise<void> {
  if (!connection.channels.has(channel)) return;
  if (connection.closed && !closing) return;
  connection.channels.delete(channel);
  const appId = connection.app.id;
  const result = await connection.context.adapter.leave(appId, channel, connection);
  if (result.memberRemoved !== undefined) {
    connection.context.adapter.publish(appId, channel, frames.memberRemoved(channel, result.memberRemoved));
  }
}
