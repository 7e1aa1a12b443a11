import {
  channelInfo,
  channelNameProblem,
  DEFAULT_TASK_CHANNEL_PREFIX,
  isValidChannelName,
  MAX_CHANNEL_NAME_LENGTH,
  ProtocolError,
  ProtocolErrorCode,
  serverToUserChannel,
  taskChannel,
  taskIdFromChannel,
} from '@inloop/protocol';
import { describe, expect, it } from 'vitest';

describe('channelInfo classifies every prefix', () => {
  it.each([
    ['private-encrypted-cache-orders', 'private-encrypted', true, true],
    ['private-encrypted-orders', 'private-encrypted', false, true],
    ['presence-cache-room', 'presence', true, true],
    ['presence-room', 'presence', false, true],
    ['private-cache-task-1', 'private', true, true],
    ['private-orders', 'private', false, true],
    ['cache-prices', 'public', true, false],
    ['#server-to-user-42', 'server-to-user', false, true],
    ['prices', 'public', false, false],
    // A prefix only counts at the start, and needs its dash.
    ['my-private-channel', 'public', false, false],
    ['privatechannel', 'public', false, false],
    ['presence', 'public', false, false],
  ])('%s → %s (cache %s, auth %s)', (name, kind, cache, requiresAuth) => {
    expect(channelInfo(name)).toEqual({ name, kind, cache, requiresAuth });
  });
});

describe('channel name validation', () => {
  it('accepts every allowed character', () => {
    const name = 'AZaz09_-=@,.;';
    expect(channelNameProblem(name)).toBeNull();
    expect(isValidChannelName(`presence-a=b@c,d.e;f`)).toBe(true);
  });

  it.each([' ', '/', '#', ':', '*', '+', '%', '?', '\n', 'é', '😀', '"'])('refuses the character %j', (character) => {
    expect(channelNameProblem(`private-a${character}b`)).toMatch(/only letters, digits/);
    expect(() => channelInfo(`private-a${character}b`)).toThrow(ProtocolError);
  });

  it(`allows ${MAX_CHANNEL_NAME_LENGTH} characters and refuses one more`, () => {
    expect(channelNameProblem('a'.repeat(164))).toBeNull();
    expect(channelNameProblem('a'.repeat(165))).toBe('channel name is 165 characters, the limit is 164');
    expect(channelNameProblem(`#server-to-user-${'1'.repeat(164 - 16)}`)).toBeNull();
    expect(channelNameProblem(`#server-to-user-${'1'.repeat(165 - 16)}`)).toMatch(/limit is 164/);
  });

  it.each([
    ['', 'non-empty'],
    [undefined, 'non-empty'],
    [42, 'non-empty'],
    ['#server-to-user-', 'needs a user id'],
    ['#server-to-user-a\u0000b', 'control characters'],
    ['#other-channel', 'only letters'],
  ])('refuses %j', (name, reason) => {
    expect(channelNameProblem(name)).toContain(reason);
    expect(isValidChannelName(name)).toBe(false);
  });

  it('lets a server-to-user channel carry any user id Pusher allows (free-form, non-empty)', () => {
    expect(channelInfo('#server-to-user-user@example.com:7 x').kind).toBe('server-to-user');
  });

  it('throws a typed error with a stable code', () => {
    try {
      channelInfo('bad name');
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(ProtocolError);
      expect((error as ProtocolError).code).toBe(ProtocolErrorCode.ChannelNameInvalid);
      expect((error as ProtocolError).code).toBe('INLOOP_CHANNEL_NAME_INVALID');
    }
  });
});

describe('task channels', () => {
  it('defaults to a private cache channel', () => {
    expect(DEFAULT_TASK_CHANNEL_PREFIX).toBe('private-cache-task-');
    expect(taskChannel('abc')).toBe('private-cache-task-abc');
    expect(channelInfo(taskChannel('abc'))).toMatchObject({ kind: 'private', cache: true, requiresAuth: true });
  });

  it('takes another prefix and reads the id back', () => {
    const channel = taskChannel('abc', { prefix: 'presence-cache-job-' });
    expect(channel).toBe('presence-cache-job-abc');
    expect(taskIdFromChannel(channel, { prefix: 'presence-cache-job-' })).toBe('abc');
    expect(taskIdFromChannel('private-cache-task-x=1')).toBe('x=1');
    expect(taskIdFromChannel('private-cache-task-')).toBeNull();
    expect(taskIdFromChannel('private-orders')).toBeNull();
  });

  it('refuses an id that makes an invalid channel, naming the task', () => {
    expect(() => taskChannel('a b')).toThrow(/task channel for "a b": .*only letters/);
    expect(() => taskChannel('x'.repeat(146))).toThrow(/limit is 164/);
    expect(taskChannel('x'.repeat(145))).toHaveLength(164);
  });

  it('builds the server-to-user channel pusher.sendToUser uses', () => {
    expect(serverToUserChannel('42')).toBe('#server-to-user-42');
  });
});
