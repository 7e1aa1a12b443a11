import { ProtocolError, ProtocolErrorCode } from './errors.js';

/** Pusher's limit on a channel name's length. */
export const MAX_CHANNEL_NAME_LENGTH = 164;

export const SERVER_TO_USER_PREFIX = '#server-to-user-';

const CHANNEL_NAME_PATTERN = /^[A-Za-z0-9_\-=@,.;]+$/;
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point
const CONTROL_CHARACTER = /[\u0000-\u001f\u007f]/;

export type ChannelKind = 'public' | 'private' | 'presence' | 'private-encrypted' | 'server-to-user';

export interface ChannelInfo {
  name: string;
  kind: ChannelKind;
  /** A cache channel keeps its last event and replays it to each new subscriber. */
  cache: boolean;
  /** Private, presence and private-encrypted channels need a signed authorization. */
  requiresAuth: boolean;
}

const PREFIXES: ReadonlyArray<[prefix: string, kind: ChannelKind, cache: boolean]> = [
  ['private-encrypted-cache-', 'private-encrypted', true],
  ['private-encrypted-', 'private-encrypted', false],
  ['presence-cache-', 'presence', true],
  ['presence-', 'presence', false],
  ['private-cache-', 'private', true],
  ['private-', 'private', false],
  ['cache-', 'public', true],
];

/** Why a channel name is not valid, or null when it is. */
export function channelNameProblem(name: unknown): string | null {
  if (typeof name !== 'string' || name.length === 0) return 'a channel name must be a non-empty string';
  if (name.length > MAX_CHANNEL_NAME_LENGTH) {
    return `channel name is ${name.length} characters, the limit is ${MAX_CHANNEL_NAME_LENGTH}`;
  }
  if (name.startsWith(SERVER_TO_USER_PREFIX)) {
    const userId = name.slice(SERVER_TO_USER_PREFIX.length);
    if (userId.length === 0) return 'a server-to-user channel needs a user id after #server-to-user-';
    // User ids are free-form on Pusher, but a control character in a channel name is never intended.
    return CONTROL_CHARACTER.test(userId) ? 'a user id in a channel name may not hold control characters' : null;
  }
  if (!CHANNEL_NAME_PATTERN.test(name)) {
    return 'a channel name may hold only letters, digits and _ - = @ , . ;';
  }
  return null;
}

export function isValidChannelName(name: unknown): name is string {
  return channelNameProblem(name) === null;
}

/** Classifies a channel by its prefix; throws a ProtocolError for an invalid name. */
export function channelInfo(name: string): ChannelInfo {
  const problem = channelNameProblem(name);
  if (problem) throw new ProtocolError(ProtocolErrorCode.ChannelNameInvalid, problem);
  if (name.startsWith(SERVER_TO_USER_PREFIX)) {
    return { name, kind: 'server-to-user', cache: false, requiresAuth: true };
  }
  for (const [prefix, kind, cache] of PREFIXES) {
    if (name.startsWith(prefix)) return { name, kind, cache, requiresAuth: kind !== 'public' };
  }
  return { name, kind: 'public', cache: false, requiresAuth: false };
}

export interface TaskChannelOptions {
  /** Defaults to `private-cache-task-`; a late subscriber gets the last event at once. */
  prefix?: string;
}

export const DEFAULT_TASK_CHANNEL_PREFIX = 'private-cache-task-';

/** The channel a task's events are sent on. */
export function taskChannel(taskId: string, options: TaskChannelOptions = {}): string {
  const name = `${options.prefix ?? DEFAULT_TASK_CHANNEL_PREFIX}${taskId}`;
  const problem = channelNameProblem(name);
  if (problem)
    throw new ProtocolError(ProtocolErrorCode.ChannelNameInvalid, `task channel for "${taskId}": ${problem}`);
  return name;
}

/** The task id of a task channel, or null when the channel is not one. */
export function taskIdFromChannel(channel: string, options: TaskChannelOptions = {}): string | null {
  const prefix = options.prefix ?? DEFAULT_TASK_CHANNEL_PREFIX;
  if (!channel.startsWith(prefix) || channel.length === prefix.length) return null;
  return channel.slice(prefix.length);
}

/** The channel `pusher.sendToUser(userId, ...)` sends on; check it with channelNameProblem when the id is untrusted. */
export function serverToUserChannel(userId: string): string {
  return `${SERVER_TO_USER_PREFIX}${userId}`;
}
