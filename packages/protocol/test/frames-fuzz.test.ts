import { closeAction, ProtocolError, parseClientFrame, parseServerFrame } from '@inloop/protocol';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

const EVENTS = [
  'pusher:ping',
  'pusher:pong',
  'pusher:subscribe',
  'pusher:unsubscribe',
  'pusher:signin',
  'pusher:error',
  'pusher:connection_established',
  'pusher_internal:subscription_succeeded',
  'pusher:subscription_error',
  'pusher_internal:member_added',
  'pusher_internal:member_removed',
  'pusher_internal:subscription_count',
  'pusher:signin_success',
  'pusher:cache_miss',
  'client-x',
  'inloop:task',
];

/** Frames that look nearly right: a known event with random fields, data as a value or as a JSON string. */
const nearlyValidFrame = fc
  .record(
    {
      event: fc.oneof(fc.constantFrom(...EVENTS), fc.jsonValue()),
      channel: fc.oneof(fc.constantFrom('private-a', 'presence-a', 'bad name'), fc.jsonValue()),
      data: fc.oneof(
        fc.jsonValue(),
        fc.jsonValue().map((value) => JSON.stringify(value)),
        fc.dictionary(
          fc.constantFrom('channel', 'auth', 'user_data', 'user_id', 'socket_id', 'message'),
          fc.jsonValue(),
        ),
      ),
      user_id: fc.jsonValue(),
    },
    { requiredKeys: [] },
  )
  .map((frame) => JSON.stringify(frame));

function checkNeverThrows(raw: string): void {
  for (const parse of [parseClientFrame, parseServerFrame]) {
    const result = parse(raw);
    if (!result.ok) {
      expect(result.error).toBeInstanceOf(ProtocolError);
      expect(result.error.message.length).toBeGreaterThan(0);
    } else {
      expect(typeof result.frame.event).toBe('string');
    }
  }
}

describe('frame parsers never throw', () => {
  it('on arbitrary strings', () => {
    fc.assert(fc.property(fc.string({ unit: 'binary', maxLength: 300 }), checkNeverThrows), { numRuns: 2000 });
  });

  it('on arbitrary JSON', () => {
    fc.assert(fc.property(fc.json(), checkNeverThrows), { numRuns: 2000 });
  });

  it('on frames that are nearly right', () => {
    fc.assert(fc.property(nearlyValidFrame, checkNeverThrows), { numRuns: 3000 });
  });
});

describe('closeAction', () => {
  it.each([
    [1000, 'default'],
    [1001, 'default'],
    [1002, 'backoff'],
    [1004, 'backoff'],
    [1006, 'default'],
    [4000, 'no-retry'],
    [4001, 'no-retry'],
    [4009, 'no-retry'],
    [4099, 'no-retry'],
    [4100, 'backoff'],
    [4199, 'backoff'],
    [4200, 'reconnect-now'],
    [4201, 'reconnect-now'],
    [4299, 'reconnect-now'],
    [4301, 'no-retry'],
  ])('%i → %s (as pusher-js decides)', (code, action) => {
    expect(closeAction(code)).toBe(action);
  });
});
