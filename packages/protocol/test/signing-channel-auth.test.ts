import {
  encryptedChannelSharedSecret,
  isValidSocketId,
  signChannelAuthorization,
  signUserAuthentication,
  verifyChannelAuthorization,
  verifyUserAuthentication,
} from '@inloop/protocol/signing';
import fc from 'fast-check';
import Pusher from 'pusher';
import { describe, expect, it } from 'vitest';

const app = { key: 'app-key', secret: 'app-secret' };
const masterKey = Buffer.alloc(32, 7).toString('base64');
const pusher = new Pusher({
  appId: '1',
  key: app.key,
  secret: app.secret,
  host: '127.0.0.1',
  useTLS: false,
  encryptionMasterKeyBase64: masterKey,
});

const socketId = fc.tuple(fc.nat(), fc.nat()).map(([a, b]) => `${a}.${b}`);
const channelCharacters = fc.constantFrom(...'abcXYZ019_-=@,.;'.split(''));
const channelName = (prefix: string) =>
  fc.string({ unit: channelCharacters, minLength: 1, maxLength: 40 }).map((rest) => `${prefix}${rest}`);

describe('channel authorization matches the official pusher library', () => {
  it('private channels, for any socket id and channel name', () => {
    fc.assert(
      fc.property(socketId, channelName('private-'), (socket, channel) => {
        const official = pusher.authorizeChannel(socket, channel);
        expect(signChannelAuthorization(app, socket, channel)).toEqual(official);
        expect(verifyChannelAuthorization(app, socket, channel, official.auth)).toBe(true);
      }),
      { numRuns: 200 },
    );
  });

  it('presence channels with channel_data, including special characters in the name', () => {
    fc.assert(
      fc.property(
        socketId,
        fc.oneof(fc.constant('presence-a=b@c,d.e;f'), channelName('presence-')),
        fc.record({ user_id: fc.string({ minLength: 1 }), user_info: fc.dictionary(fc.string(), fc.jsonValue()) }),
        (socket, channel, member) => {
          const official = pusher.authorizeChannel(socket, channel, member);
          const ours = signChannelAuthorization(app, socket, channel, JSON.stringify(member));
          expect(ours).toEqual(official);
          expect(verifyChannelAuthorization(app, socket, channel, official.auth, official.channel_data)).toBe(true);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('private-encrypted channels: same auth and shared secret', () => {
    const channel = 'private-encrypted-cache-orders';
    const official = pusher.authorizeChannel('1.2', channel);
    expect(official.shared_secret).toBeDefined();
    expect({
      ...signChannelAuthorization(app, '1.2', channel),
      shared_secret: encryptedChannelSharedSecret(channel, masterKey),
    }).toEqual(official);
  });

  it('refuses a master key that is not 32 bytes', () => {
    expect(() => encryptedChannelSharedSecret('private-encrypted-a', Buffer.alloc(16).toString('base64'))).toThrow(
      /32 bytes/,
    );
  });

  it('refuses an authorization for anything else than what was signed', () => {
    const member = JSON.stringify({ user_id: '1', user_info: { name: 'Ann' } });
    const { auth } = pusher.authorizeChannel('1.2', 'presence-room', JSON.parse(member));
    expect(verifyChannelAuthorization(app, '1.2', 'presence-room', auth, member)).toBe(true);
    expect(verifyChannelAuthorization(app, '1.3', 'presence-room', auth, member)).toBe(false);
    expect(verifyChannelAuthorization(app, '1.2', 'presence-room2', auth, member)).toBe(false);
    expect(verifyChannelAuthorization(app, '1.2', 'presence-room', auth, member.replace('Ann', 'Bob'))).toBe(false);
    expect(verifyChannelAuthorization(app, '1.2', 'presence-room', auth)).toBe(false);
    expect(verifyChannelAuthorization({ ...app, secret: 'other' }, '1.2', 'presence-room', auth, member)).toBe(false);
    expect(verifyChannelAuthorization({ ...app, key: 'other' }, '1.2', 'presence-room', auth, member)).toBe(false);
    expect(verifyChannelAuthorization(app, '1.2', 'presence-room', auth.slice(0, -1), member)).toBe(false);
    const flipped = `${auth.slice(0, -1)}${auth.endsWith('0') ? '1' : '0'}`;
    expect(verifyChannelAuthorization(app, '1.2', 'presence-room', flipped, member)).toBe(false);
    expect(verifyChannelAuthorization(app, '1.2', 'presence-room', undefined, member)).toBe(false);
    expect(verifyChannelAuthorization(app, '1.2', 'presence-room', '', member)).toBe(false);
  });
});

describe('user authentication matches the official pusher library', () => {
  it('signs the same user_data, and verifies what pusher signs', () => {
    fc.assert(
      fc.property(
        socketId,
        fc.record({ id: fc.string({ minLength: 1 }), name: fc.string(), watchlist: fc.array(fc.string()) }),
        (socket, user) => {
          const official = pusher.authenticateUser(socket, user);
          expect(signUserAuthentication(app, socket, official.user_data)).toEqual(official);
          expect(verifyUserAuthentication(app, socket, official.auth, official.user_data)).toBe(true);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('refuses another socket, other user data and a channel signature', () => {
    const official = pusher.authenticateUser('1.2', { id: '7' });
    expect(verifyUserAuthentication(app, '1.3', official.auth, official.user_data)).toBe(false);
    expect(verifyUserAuthentication(app, '1.2', official.auth, '{"id":"8"}')).toBe(false);
    expect(verifyUserAuthentication(app, '1.2', undefined, official.user_data)).toBe(false);
    const channelAuth = pusher.authorizeChannel('1.2', 'private-a').auth;
    expect(verifyUserAuthentication(app, '1.2', channelAuth, official.user_data)).toBe(false);
  });
});

describe('socket ids', () => {
  it.each([
    ['1.2', true],
    ['123456.7890', true],
    ['1.', false],
    ['.1', false],
    ['1.2.3', false],
    ['a.b', false],
    ['1.2\n', false],
    [12, false],
  ])('%j → %s', (id, valid) => {
    expect(isValidSocketId(id)).toBe(valid);
  });
});
