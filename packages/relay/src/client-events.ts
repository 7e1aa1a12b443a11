import { type ClientFrame, CloseCode, channelInfo, frames } from '@inloop/protocol';
import type { ClientConnection } from './client-connection.js';

type ClientEventFrame = Extract<ClientFrame, { channel: string }>;

interface Refusal {
  message: string;
  code: number | null;
}

function refusal(connection: ClientConnection, frame: ClientEventFrame, data: string): Refusal | null {
  const { app } = connection;
  const refuse = (message: string, code: number | null = null) => ({ message, code });
  if (!app.enableClientMessages) return refuse('client events are not enabled for this app');
  if (frame.event.length > app.limits.maxEventNameLength) {
    return refuse(`event name is longer than ${app.limits.maxEventNameLength} characters`);
  }
  const kind = channelInfo(frame.channel).kind;
  if (kind !== 'private' && kind !== 'presence') {
    return refuse(`client events are only allowed on private and presence channels, not on ${kind} channels`);
  }
  if (!connection.channels.has(frame.channel)) {
    return refuse(`subscribe to ${frame.channel} before sending client events on it`);
  }
  if (Buffer.byteLength(data, 'utf8') > app.limits.maxPayloadBytes) {
    return refuse(`client event data is larger than ${app.limits.maxPayloadBytes} bytes`);
  }
  if (!connection.clientEvents.take()) {
    return refuse(
      `client event rate limit reached (${app.limits.maxClientEventsPerSecond} per second)`,
      CloseCode.ClientEventRateLimit,
    );
  }
  return null;
}

/** Relays a `client-*` event to the channel's other subscribers, after every check passes. */
export function handleClientEvent(connection: ClientConnection, frame: ClientEventFrame): void {
  const data = typeof frame.data === 'string' ? frame.data : JSON.stringify(frame.data ?? null);
  const refused = refusal(connection, frame, data);
  if (refused) {
    connection.logger.debug(
      { socketId: connection.socketId, appId: connection.app.id, channel: frame.channel },
      `client event refused: ${refused.message}`,
    );
    connection.sendError(refused.message, refused.code);
    return;
  }
  const userId = connection.channels.get(frame.channel)?.userId;
  const encoded = frames.event(frame.channel, frame.event, data, userId);
  connection.context.adapter.publish(connection.app.id, frame.channel, encoded, connection.socketId);
}
