import {
  encodeFrame,
  frames,
  type ParseResult,
  ProtocolError,
  ProtocolErrorCode,
  parseServerFrame,
  type ServerFrame,
} from '@inloop/protocol';
import { describe, expect, it } from 'vitest';

function parsedOk(result: ParseResult<ServerFrame>): ServerFrame {
  if (!result.ok) throw new Error(`expected ok, got ${result.error.message}`);
  return result.frame;
}

function refusal(result: ParseResult<ServerFrame>): ProtocolError {
  if (result.ok) throw new Error(`expected a refusal, got ${JSON.stringify(result.frame)}`);
  expect(result.error).toBeInstanceOf(ProtocolError);
  return result.error;
}

const presence = { ids: ['1', '2'], hash: { '1': { name: 'Ann' }, '2': null }, count: 2 };

describe('server frames: serialize as Pusher does, parse back', () => {
  it.each<[string, string, ServerFrame]>([
    [
      'connection_established',
      frames.connectionEstablished('123.456', 120),
      { event: 'pusher:connection_established', data: { socket_id: '123.456', activity_timeout: 120 } },
    ],
    [
      'error with code',
      frames.error('Over quota', 4004),
      { event: 'pusher:error', data: { message: 'Over quota', code: 4004 } },
    ],
    ['error without code', frames.error('Bad', null), { event: 'pusher:error', data: { message: 'Bad', code: null } }],
    ['ping', frames.ping(), { event: 'pusher:ping' }],
    ['pong', frames.pong(), { event: 'pusher:pong' }],
    [
      'subscription_succeeded',
      frames.subscriptionSucceeded('private-a'),
      { event: 'pusher_internal:subscription_succeeded', channel: 'private-a', data: {} },
    ],
    [
      'subscription_succeeded (presence)',
      frames.subscriptionSucceeded('presence-a', presence),
      { event: 'pusher_internal:subscription_succeeded', channel: 'presence-a', data: { presence } },
    ],
    [
      'subscription_error',
      frames.subscriptionError('private-a', 403, 'Invalid signature'),
      {
        event: 'pusher:subscription_error',
        channel: 'private-a',
        data: { type: 'AuthError', error: 'Invalid signature', status: 403 },
      },
    ],
    [
      'subscription_count',
      frames.subscriptionCount('presence-a', 3),
      { event: 'pusher_internal:subscription_count', channel: 'presence-a', data: { subscription_count: 3 } },
    ],
    [
      'member_added',
      frames.memberAdded('presence-a', '3', { name: 'Bo' }),
      {
        event: 'pusher_internal:member_added',
        channel: 'presence-a',
        data: { user_id: '3', user_info: { name: 'Bo' } },
      },
    ],
    [
      'member_removed',
      frames.memberRemoved('presence-a', '3'),
      { event: 'pusher_internal:member_removed', channel: 'presence-a', data: { user_id: '3' } },
    ],
    [
      'signin_success',
      frames.signinSuccess('{"id":"7"}'),
      { event: 'pusher:signin_success', data: { user_data: '{"id":"7"}' } },
    ],
    ['cache_miss', frames.cacheMiss('cache-a'), { event: 'pusher:cache_miss', channel: 'cache-a' }],
    [
      'user event with JSON data',
      frames.event('private-cache-task-1', 'inloop:task', '{"seq":1}'),
      { event: 'inloop:task', channel: 'private-cache-task-1', data: { seq: 1 } },
    ],
    [
      'user event with plain string data',
      frames.event('prices', 'tick', 'not json'),
      { event: 'tick', channel: 'prices', data: 'not json' },
    ],
    [
      'client event relayed with user_id',
      frames.event('presence-a', 'client-typing', { on: true }, '7'),
      { event: 'client-typing', channel: 'presence-a', data: { on: true }, user_id: '7' },
    ],
  ])('%s', (_name, raw, expected) => {
    expect(parsedOk(parseServerFrame(raw))).toEqual(expected);
  });

  it('puts system data on the wire as a JSON string inside the JSON', () => {
    const wire = JSON.parse(frames.connectionEstablished('1.2', 30));
    expect(typeof wire.data).toBe('string');
    expect(JSON.parse(wire.data)).toEqual({ socket_id: '1.2', activity_timeout: 30 });
    expect(JSON.parse(frames.memberRemoved('presence-a', '1')).data).toBe('{"user_id":"1"}');
    expect(JSON.parse(frames.cacheMiss('cache-a'))).toEqual({ event: 'pusher:cache_miss', channel: 'cache-a' });
  });

  it('passes a user event data string through untouched (it is already the JSON the trigger sent)', () => {
    expect(JSON.parse(frames.event('c', 'e', '{"a":1}')).data).toBe('{"a":1}');
    expect(JSON.parse(encodeFrame({ event: 'e', channel: 'c', data: { a: 1 } })).data).toBe('{"a":1}');
  });

  it('accepts system data as an object too (servers differ)', () => {
    const raw = JSON.stringify({
      event: 'pusher:connection_established',
      data: { socket_id: '1.2', activity_timeout: 5 },
    });
    expect(parsedOk(parseServerFrame(raw))).toEqual({
      event: 'pusher:connection_established',
      data: { socket_id: '1.2', activity_timeout: 5 },
    });
  });

  it('reads a missing pusher:error code as null', () => {
    const raw = JSON.stringify({ event: 'pusher:error', data: { message: 'x' } });
    expect(parsedOk(parseServerFrame(raw))).toEqual({ event: 'pusher:error', data: { message: 'x', code: null } });
  });
});

describe('parseServerFrame: malformed input is a typed error', () => {
  it.each([
    ['nope', 'not valid JSON'],
    ['[1]', 'JSON object'],
    ['{"data":"{}"}', '"event"'],
    ['{"event":"x","channel":5}', '"channel" must be a string'],
    ['{"event":"x","user_id":5}', '"user_id" must be a string'],
    ['{"event":"pusher:connection_established","data":"{\\"socket_id\\":\\"1.2\\"}"}', 'activity_timeout'],
    ['{"event":"pusher:connection_established","data":"garbage"}', 'data must be an object'],
    ['{"event":"pusher:error","data":{"code":4001}}', 'data.message'],
    ['{"event":"pusher:error","data":{"message":"m","code":"4001"}}', 'data.code'],
    ['{"event":"pusher_internal:subscription_succeeded","data":"{}"}', 'needs a "channel"'],
    [
      '{"event":"pusher_internal:subscription_succeeded","channel":"presence-a","data":{"presence":{"ids":[1]}}}',
      'data.presence',
    ],
    ['{"event":"pusher_internal:member_added","channel":"presence-a","data":"{}"}', 'data.user_id'],
    ['{"event":"pusher_internal:member_removed","channel":"presence-a","data":{"user_id":1}}', 'data.user_id'],
    ['{"event":"pusher:signin_success","data":{}}', 'data.user_data'],
    ['{"event":"pusher:cache_miss"}', 'needs a "channel"'],
  ])('%s → %s', (raw, expected) => {
    const error = refusal(parseServerFrame(raw));
    expect(error.code).toBe(ProtocolErrorCode.FrameMalformed);
    expect(error.message).toContain(expected);
  });

  it('refuses an unknown system event', () => {
    const error = refusal(parseServerFrame('{"event":"pusher:surprise","data":"{}"}'));
    expect(error.code).toBe(ProtocolErrorCode.FrameUnknownEvent);
  });

  it('applies a byte limit only when asked', () => {
    const raw = frames.event('c', 'e', 'é'.repeat(6000));
    expect(parseServerFrame(raw).ok).toBe(true);
    expect(refusal(parseServerFrame(raw, { maxBytes: 10 * 1024 })).code).toBe(ProtocolErrorCode.FrameTooLarge);
  });
});
