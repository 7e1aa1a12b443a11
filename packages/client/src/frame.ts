import type { ChannelInfo, ServerFrame } from '@inloop/protocol';

/**
 * Decodes a frame from the server; null when it is not one. The server validated what it sends, so
 * this only unwraps `data` (a JSON string inside the JSON, as pusher-js reads it); system events
 * always get an object so their handlers can read fields without checks.
 */
export function decodeFrame(raw: string): ServerFrame | null {
  try {
    const frame = JSON.parse(raw);
    if (typeof frame?.event !== 'string') return null;
    let { data } = frame;
    if (typeof data === 'string') {
      try {
        data = JSON.parse(data);
      } catch {
        // A user event's data that is not JSON stays the string it is.
      }
    }
    frame.data = frame.event.startsWith('pusher') && !(data && typeof data === 'object') ? {} : data;
    return frame;
  } catch {
    return null;
  }
}

/** Kind of a channel by its prefix; the server refuses names that are not valid. */
export function channelInfo(name: string): ChannelInfo {
  const kind = name.startsWith('#server-to-user-')
    ? 'server-to-user'
    : ((/^(private-encrypted|presence|private)-/.exec(name)?.[1] ?? 'public') as ChannelInfo['kind']);
  return {
    name,
    kind,
    cache: /^(private-encrypted-|presence-|private-)?cache-/.test(name),
    requiresAuth: kind !== 'public',
  };
}
