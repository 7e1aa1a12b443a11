import { channelNameProblem } from './channels.js';
import {
  DEFAULT_MAX_FRAME_BYTES,
  dataObject,
  decodeJson,
  exceedsUtf8Bytes,
  isOptionalString,
  isRecord,
  malformed,
  type ParseOptions,
  type ParseResult,
  tooLarge,
  unknownEvent,
} from './frame-json.js';

/** Pusher's limit on an event name's length. */
export const MAX_EVENT_NAME_LENGTH = 200;

export const CLIENT_EVENT_PREFIX = 'client-';

export interface SubscribeData {
  channel: string;
  /** `key:signature` for private and presence channels; pusher-js sends `''` for public ones. */
  auth?: string;
  /** JSON string `{"user_id": ..., "user_info": ...}` for presence channels. */
  channel_data?: string;
}

export type ClientFrame =
  | { event: 'pusher:ping' }
  | { event: 'pusher:pong' }
  | { event: 'pusher:subscribe'; data: SubscribeData }
  | { event: 'pusher:unsubscribe'; data: { channel: string } }
  | { event: 'pusher:signin'; data: { auth: string; user_data: string } }
  | { event: `client-${string}`; channel: string; data: unknown };

function channelOf(data: Record<string, unknown> | null, event: string): ParseResult<string> {
  if (!data || data.channel === undefined) return malformed(`${event} needs data.channel`);
  const problem = channelNameProblem(data.channel);
  if (problem) return malformed(`${event} data.channel: ${problem}`);
  return { ok: true, frame: data.channel as string };
}

/**
 * Parses a frame a client sent. Never throws: malformed, unknown and oversize frames are error
 * results whose `error.pusherCode` is the code to send back in a `pusher:error`.
 */
export function parseClientFrame(raw: string, options: ParseOptions = {}): ParseResult<ClientFrame> {
  if (typeof raw !== 'string') return malformed('frame must be a text message');
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_FRAME_BYTES;
  if (exceedsUtf8Bytes(raw, maxBytes)) return tooLarge(maxBytes);
  const decoded = decodeJson(raw);
  if (!decoded.ok) return malformed('frame is not valid JSON');
  const frame = decoded.value;
  if (!isRecord(frame)) return malformed('frame must be a JSON object');
  const { event } = frame;
  if (typeof event !== 'string' || event.length === 0) return malformed('frame needs a non-empty "event" string');

  switch (event) {
    case 'pusher:ping':
    case 'pusher:pong':
      return { ok: true, frame: { event } };
    case 'pusher:subscribe': {
      const data = dataObject(frame.data);
      const channel = channelOf(data, event);
      if (!channel.ok) return channel;
      if (!isOptionalString(data?.auth) || !isOptionalString(data?.channel_data)) {
        return malformed('pusher:subscribe data.auth and data.channel_data must be strings');
      }
      const subscribe: SubscribeData = { channel: channel.frame };
      if (data?.auth !== undefined) subscribe.auth = data.auth;
      if (data?.channel_data !== undefined) subscribe.channel_data = data.channel_data;
      return { ok: true, frame: { event, data: subscribe } };
    }
    case 'pusher:unsubscribe': {
      const channel = channelOf(dataObject(frame.data), event);
      if (!channel.ok) return channel;
      return { ok: true, frame: { event, data: { channel: channel.frame } } };
    }
    case 'pusher:signin': {
      const data = dataObject(frame.data);
      if (!data || typeof data.auth !== 'string' || typeof data.user_data !== 'string') {
        return malformed('pusher:signin needs data.auth and data.user_data strings');
      }
      return { ok: true, frame: { event, data: { auth: data.auth, user_data: data.user_data } } };
    }
    default: {
      if (!event.startsWith(CLIENT_EVENT_PREFIX)) return unknownEvent(event);
      if (event.length > MAX_EVENT_NAME_LENGTH) {
        return malformed(`event name is longer than ${MAX_EVENT_NAME_LENGTH} characters`);
      }
      const problem = channelNameProblem(frame.channel);
      if (problem) return malformed(`client event channel: ${problem}`);
      return {
        ok: true,
        frame: { event: event as `client-${string}`, channel: frame.channel as string, data: frame.data },
      };
    }
  }
}

/** One frame a client sends, encoded as pusher-js encodes it (`data` as an object; `channel` on client events). */
export const encodeClientFrame = (event: string, data: unknown = {}, channel?: string): string =>
  JSON.stringify({ event, channel, data });

/** The frames a client sends, by name. */
export const clientFrames = {
  subscribe: (data: SubscribeData) => encodeClientFrame('pusher:subscribe', data),
  unsubscribe: (channel: string) => encodeClientFrame('pusher:unsubscribe', { channel }),
  signin: (auth: string, userData: string) => encodeClientFrame('pusher:signin', { auth, user_data: userData }),
  ping: () => encodeClientFrame('pusher:ping'),
  pong: () => encodeClientFrame('pusher:pong'),
  clientEvent: (channel: string, event: string, data: unknown) => encodeClientFrame(event, data, channel),
};
