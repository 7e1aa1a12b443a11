import {
  clientFrames,
  DEFAULT_MAX_FRAME_BYTES,
  type ParseResult,
  ProtocolError,
  ProtocolErrorCode,
  parseClientFrame,
} from '@inloop/protocol';
import { describe, expect, it } from 'vitest';

function parsedOk<T>(result: ParseResult<T>): T {
  if (!result.ok) throw new Error(`expected ok, got ${result.error.message}`);
  return result.frame;
}

function refusal<T>(result: ParseResult<T>): ProtocolError {
  if (result.ok) throw new Error(`expected a refusal, got ${JSON.stringify(result.frame)}`);
  expect(result.error).toBeInstanceOf(ProtocolError);
  return result.error;
}

describe('parseClientFrame: every client frame', () => {
  it('ping and pong, with or without data', () => {
    expect(parsedOk(parseClientFrame(clientFrames.ping()))).toEqual({ event: 'pusher:ping' });
    expect(parsedOk(parseClientFrame(clientFrames.pong()))).toEqual({ event: 'pusher:pong' });
    expect(parsedOk(parseClientFrame('{"event":"pusher:ping"}'))).toEqual({ event: 'pusher:ping' });
  });

  it('subscribe as pusher-js sends it (data object; public auth is empty)', () => {
    const public_ = clientFrames.subscribe({ channel: 'prices', auth: '' });
    expect(parsedOk(parseClientFrame(public_))).toEqual({
      event: 'pusher:subscribe',
      data: { channel: 'prices', auth: '' },
    });
    const presence = clientFrames.subscribe({
      channel: 'presence-room',
      auth: 'key:abc',
      channel_data: '{"user_id":"1","user_info":{"name":"Ann"}}',
    });
    expect(parsedOk(parseClientFrame(presence))).toEqual({
      event: 'pusher:subscribe',
      data: { channel: 'presence-room', auth: 'key:abc', channel_data: '{"user_id":"1","user_info":{"name":"Ann"}}' },
    });
  });

  it('subscribe with data as a JSON string inside the JSON', () => {
    const raw = JSON.stringify({
      event: 'pusher:subscribe',
      data: JSON.stringify({ channel: 'private-cache-task-1', auth: 'key:sig' }),
    });
    expect(parsedOk(parseClientFrame(raw))).toEqual({
      event: 'pusher:subscribe',
      data: { channel: 'private-cache-task-1', auth: 'key:sig' },
    });
  });

  it('unsubscribe in both data forms', () => {
    const expected = { event: 'pusher:unsubscribe', data: { channel: 'prices' } };
    expect(parsedOk(parseClientFrame(clientFrames.unsubscribe('prices')))).toEqual(expected);
    const stringData = JSON.stringify({ event: 'pusher:unsubscribe', data: '{"channel":"prices"}' });
    expect(parsedOk(parseClientFrame(stringData))).toEqual(expected);
  });

  it('signin in both data forms', () => {
    const expected = { event: 'pusher:signin', data: { auth: 'key:sig', user_data: '{"id":"7"}' } };
    expect(parsedOk(parseClientFrame(clientFrames.signin('key:sig', '{"id":"7"}')))).toEqual(expected);
    const stringData = JSON.stringify({ event: 'pusher:signin', data: JSON.stringify(expected.data) });
    expect(parsedOk(parseClientFrame(stringData))).toEqual(expected);
  });

  it('client events keep their data as sent', () => {
    const raw = clientFrames.clientEvent('private-chat', 'client-typing', { who: 'Ann' });
    expect(parsedOk(parseClientFrame(raw))).toEqual({
      event: 'client-typing',
      channel: 'private-chat',
      data: { who: 'Ann' },
    });
    const stringData = JSON.stringify({ event: 'client-x', channel: 'presence-r', data: '"text"' });
    expect(parsedOk(parseClientFrame(stringData))).toMatchObject({ data: '"text"' });
  });
});

describe('parseClientFrame: malformed input is a typed error, never a throw', () => {
  it.each([
    ['not json', 'not valid JSON'],
    ['', 'not valid JSON'],
    ['{"event":', 'not valid JSON'],
    ['[]', 'JSON object'],
    ['null', 'JSON object'],
    ['42', 'JSON object'],
    ['"pusher:ping"', 'JSON object'],
    ['{}', '"event"'],
    ['{"event":""}', '"event"'],
    ['{"event":7}', '"event"'],
    ['{"event":["pusher:ping"]}', '"event"'],
    ['{"event":"pusher:subscribe"}', 'needs data.channel'],
    ['{"event":"pusher:subscribe","data":"not json"}', 'needs data.channel'],
    ['{"event":"pusher:subscribe","data":{"channel":7}}', 'non-empty string'],
    ['{"event":"pusher:subscribe","data":{"channel":"a b"}}', 'only letters'],
    ['{"event":"pusher:subscribe","data":{"channel":"private-x","auth":1}}', 'must be strings'],
    ['{"event":"pusher:subscribe","data":{"channel":"presence-x","channel_data":{}}}', 'must be strings'],
    ['{"event":"pusher:unsubscribe","data":[]}', 'needs data.channel'],
    ['{"event":"pusher:signin","data":{"auth":"k:s"}}', 'user_data'],
    ['{"event":"client-x","data":{}}', 'client event channel'],
    ['{"event":"client-x","channel":"bad channel","data":{}}', 'only letters'],
    [JSON.stringify({ event: `client-${'x'.repeat(200)}`, channel: 'private-a' }), 'longer than 200'],
  ])('%s → %s', (raw, expected) => {
    const error = refusal(parseClientFrame(raw));
    expect(error.code).toBe(ProtocolErrorCode.FrameMalformed);
    expect(error.message).toContain(expected);
    expect(error.pusherCode).toBeNull();
  });

  it.each(['pusher:foo', 'pusher_internal:subscription_succeeded', 'pusher:connection_established', 'my-event'])(
    'refuses the event %s a client may not send',
    (event) => {
      const error = refusal(parseClientFrame(JSON.stringify({ event, data: {} })));
      expect(error.code).toBe(ProtocolErrorCode.FrameUnknownEvent);
      expect(error.message).toContain(event);
    },
  );

  it('refuses a non-string input without throwing', () => {
    expect(refusal(parseClientFrame(undefined as unknown as string)).code).toBe(ProtocolErrorCode.FrameMalformed);
  });
});

describe('parseClientFrame: size limit in UTF-8 bytes', () => {
  /** A client event frame of exactly `bytes` UTF-8 bytes, padded with `filler`. */
  function frameOfBytes(bytes: number, filler: string): string {
    const empty = JSON.stringify({ event: 'client-x', channel: 'private-a', data: '' });
    const fillerBytes = Buffer.byteLength(filler);
    const room = bytes - Buffer.byteLength(empty);
    const raw = JSON.stringify({
      event: 'client-x',
      channel: 'private-a',
      data: filler.repeat(Math.floor(room / fillerBytes)) + 'a'.repeat(room % fillerBytes),
    });
    expect(Buffer.byteLength(raw)).toBe(bytes);
    return raw;
  }

  it.each(['a', 'é', '€', '😀'])('accepts exactly the limit and refuses one byte more (filler %s)', (filler) => {
    expect(parseClientFrame(frameOfBytes(DEFAULT_MAX_FRAME_BYTES, filler)).ok).toBe(true);
    const error = refusal(parseClientFrame(frameOfBytes(DEFAULT_MAX_FRAME_BYTES + 1, filler)));
    expect(error.code).toBe(ProtocolErrorCode.FrameTooLarge);
    expect(error.pusherCode).toBe(4301);
    expect(error.message).toContain(`${DEFAULT_MAX_FRAME_BYTES} bytes`);
  });

  it('counts bytes, not characters: 4000 three-byte characters are over a 10 KiB limit', () => {
    const raw = JSON.stringify({ event: 'client-x', channel: 'private-a', data: '€'.repeat(4000) });
    expect(raw.length).toBeLessThan(DEFAULT_MAX_FRAME_BYTES);
    expect(refusal(parseClientFrame(raw)).code).toBe(ProtocolErrorCode.FrameTooLarge);
  });

  it('takes another limit', () => {
    const raw = clientFrames.subscribe({ channel: 'prices' });
    expect(refusal(parseClientFrame(raw, { maxBytes: 10 })).code).toBe(ProtocolErrorCode.FrameTooLarge);
    expect(parseClientFrame(raw, { maxBytes: Buffer.byteLength(raw) }).ok).toBe(true);
  });
});
