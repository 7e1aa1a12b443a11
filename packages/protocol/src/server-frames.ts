import {
  dataObject,
  decodeJson,
  exceedsUtf8Bytes,
  isRecord,
  malformed,
  type ParseOptions,
  type ParseResult,
  tooLarge,
  unknownEvent,
} from './frame-json.js';

/** A frame as it travels: `data` of a system event is JSON encoded again inside the JSON. */
export interface WireFrame {
  event: string;
  channel?: string;
  data?: unknown;
  user_id?: string;
}

export interface PresenceData {
  ids: string[];
  hash: Record<string, unknown>;
  count: number;
}

export type ServerFrame =
  | { event: 'pusher:connection_established'; data: { socket_id: string; activity_timeout: number } }
  | { event: 'pusher:error'; data: { message: string; code: number | null } }
  | { event: 'pusher:ping' }
  | { event: 'pusher:pong' }
  | { event: 'pusher_internal:subscription_succeeded'; channel: string; data: { presence?: PresenceData } }
  | { event: 'pusher:subscription_error'; channel: string; data: { type: string; error: string; status: number } }
  | { event: 'pusher_internal:member_added'; channel: string; data: { user_id: string; user_info?: unknown } }
  | { event: 'pusher_internal:member_removed'; channel: string; data: { user_id: string } }
  | { event: 'pusher_internal:subscription_count'; channel: string; data: { subscription_count: number } }
  | { event: 'pusher:signin_success'; data: { user_data: string } }
  | { event: 'pusher:cache_miss'; channel: string }
  | { event: string; channel?: string; data: unknown; user_id?: string };

/** Decodes a user event's data the way pusher-js does: JSON when it parses, the string otherwise. */
export function decodeEventData(data: unknown): unknown {
  if (typeof data !== 'string') return data;
  const decoded = decodeJson(data);
  return decoded.ok ? decoded.value : data;
}

function isPresenceData(value: unknown): value is PresenceData {
  return (
    isRecord(value) &&
    Array.isArray(value.ids) &&
    value.ids.every((id) => typeof id === 'string') &&
    isRecord(value.hash) &&
    typeof value.count === 'number'
  );
}

type SystemFrame = { event: string; channel: string | undefined; data: Record<string, unknown> | null };
type Check = (frame: SystemFrame) => string | null;

const needsChannel: Check = (frame) => (frame.channel === undefined ? 'needs a "channel"' : null);

/** What each system event must carry; null when the frame is fine. */
const SYSTEM_EVENT_CHECKS: Record<string, Check> = {
  'pusher:connection_established': ({ data }) =>
    typeof data?.socket_id === 'string' && typeof data.activity_timeout === 'number' && data.activity_timeout > 0
      ? null
      : 'needs data.socket_id (string) and data.activity_timeout (positive number)',
  'pusher:error': ({ data }) =>
    typeof data?.message === 'string' &&
    (data.code === undefined || data.code === null || typeof data.code === 'number')
      ? null
      : 'needs data.message (string) and data.code (number or null)',
  'pusher:ping': () => null,
  'pusher:pong': () => null,
  'pusher_internal:subscription_succeeded': (frame) =>
    needsChannel(frame) ??
    (frame.data?.presence === undefined || isPresenceData(frame.data.presence)
      ? null
      : 'data.presence needs ids (strings), hash (object) and count (number)'),
  'pusher:subscription_error': (frame) => needsChannel(frame),
  'pusher_internal:member_added': (frame) =>
    needsChannel(frame) ?? (typeof frame.data?.user_id === 'string' ? null : 'needs data.user_id (string)'),
  'pusher_internal:member_removed': (frame) =>
    needsChannel(frame) ?? (typeof frame.data?.user_id === 'string' ? null : 'needs data.user_id (string)'),
  'pusher_internal:subscription_count': (frame) =>
    needsChannel(frame) ??
    (typeof frame.data?.subscription_count === 'number' ? null : 'needs data.subscription_count (number)'),
  'pusher_internal:watchlist_events': () => null,
  'pusher:signin_success': ({ data }) =>
    typeof data?.user_data === 'string' ? null : 'needs data.user_data (a JSON string)',
  'pusher:cache_miss': needsChannel,
};

function isSystemEvent(event: string): boolean {
  return event.startsWith('pusher:') || event.startsWith('pusher_internal:');
}

/** Parses a frame a server sent. Never throws: malformed and unknown system frames are error results. */
export function parseServerFrame(raw: string, options: ParseOptions = {}): ParseResult<ServerFrame> {
  if (typeof raw !== 'string') return malformed('frame must be a text message');
  if (options.maxBytes !== undefined && exceedsUtf8Bytes(raw, options.maxBytes)) return tooLarge(options.maxBytes);
  const decoded = decodeJson(raw);
  if (!decoded.ok) return malformed('frame is not valid JSON');
  const frame = decoded.value;
  if (!isRecord(frame)) return malformed('frame must be a JSON object');
  const { event, channel } = frame;
  if (typeof event !== 'string' || event.length === 0) return malformed('frame needs a non-empty "event" string');
  if (channel !== undefined && typeof channel !== 'string') return malformed('"channel" must be a string');
  if (frame.user_id !== undefined && typeof frame.user_id !== 'string') return malformed('"user_id" must be a string');

  if (isSystemEvent(event)) {
    const check = SYSTEM_EVENT_CHECKS[event];
    if (!check) return unknownEvent(event);
    // Servers differ in what a ping or pong carries ("{}", {}, nothing): none of it is used.
    if (event === 'pusher:ping' || event === 'pusher:pong') return { ok: true, frame: { event } as ServerFrame };
    const data = frame.data === undefined ? {} : dataObject(frame.data);
    if (data === null) return malformed(`${event} data must be an object or a JSON string holding one`);
    const problem = check({ event, channel, data });
    if (problem) return malformed(`${event} ${problem}`);
    const out: WireFrame = { event };
    if (channel !== undefined) out.channel = channel;
    if (event === 'pusher:error') out.data = { message: data.message, code: data.code ?? null };
    else if (event !== 'pusher:cache_miss' || frame.data !== undefined) out.data = data;
    return { ok: true, frame: out as ServerFrame };
  }

  const out: WireFrame = { event, data: decodeEventData(frame.data) };
  if (channel !== undefined) out.channel = channel;
  if (frame.user_id !== undefined) out.user_id = frame.user_id;
  return { ok: true, frame: out as ServerFrame };
}

/** Serializes a frame, encoding `data` as the JSON string the protocol carries. */
export function encodeFrame(frame: WireFrame): string {
  const wire: WireFrame = { event: frame.event };
  if (frame.channel !== undefined) wire.channel = frame.channel;
  if (frame.data !== undefined) wire.data = typeof frame.data === 'string' ? frame.data : JSON.stringify(frame.data);
  if (frame.user_id !== undefined) wire.user_id = frame.user_id;
  return JSON.stringify(wire);
}

/** Frames a server sends, encoded as Pusher sends them (`data` as a JSON string). */
export const frames = {
  connectionEstablished: (socketId: string, activityTimeoutSeconds: number) =>
    encodeFrame({
      event: 'pusher:connection_established',
      data: { socket_id: socketId, activity_timeout: activityTimeoutSeconds },
    }),
  error: (message: string, code: number | null) => encodeFrame({ event: 'pusher:error', data: { message, code } }),
  ping: () => encodeFrame({ event: 'pusher:ping', data: {} }),
  pong: () => encodeFrame({ event: 'pusher:pong', data: {} }),
  subscriptionSucceeded: (channel: string, presence?: PresenceData) =>
    encodeFrame({
      event: 'pusher_internal:subscription_succeeded',
      channel,
      data: presence ? { presence } : {},
    }),
  subscriptionError: (channel: string, status: number, error: string, type = 'AuthError') =>
    encodeFrame({ event: 'pusher:subscription_error', channel, data: { type, error, status } }),
  subscriptionCount: (channel: string, count: number) =>
    encodeFrame({ event: 'pusher_internal:subscription_count', channel, data: { subscription_count: count } }),
  memberAdded: (channel: string, userId: string, userInfo: unknown) =>
    encodeFrame({ event: 'pusher_internal:member_added', channel, data: { user_id: userId, user_info: userInfo } }),
  memberRemoved: (channel: string, userId: string) =>
    encodeFrame({ event: 'pusher_internal:member_removed', channel, data: { user_id: userId } }),
  signinSuccess: (userData: string) => encodeFrame({ event: 'pusher:signin_success', data: { user_data: userData } }),
  cacheMiss: (channel: string) => encodeFrame({ event: 'pusher:cache_miss', channel }),
  /** A channel event; `data` is passed as the triggering server gave it (a string, usually JSON). */
  event: (channel: string, event: string, data: unknown, userId?: string) => {
    const frame: WireFrame = { event, channel, data };
    if (userId !== undefined) frame.user_id = userId;
    return encodeFrame(frame);
  },
};
