import { createHash } from 'node:crypto';
import { ProtocolError, ProtocolErrorCode } from '../errors.js';
import { hmacSha256Hex, safeEqual } from './hmac.js';

export interface AppCredentials {
  key: string;
  secret: string;
}

export interface ChannelAuthorization {
  auth: string;
  channel_data?: string;
  /** Base64 key of a private-encrypted channel, for the subscriber to decrypt with. */
  shared_secret?: string;
}

export interface UserAuthentication {
  auth: string;
  user_data: string;
}

function channelStringToSign(socketId: string, channel: string, channelData?: string): string {
  return channelData === undefined ? `${socketId}:${channel}` : `${socketId}:${channel}:${channelData}`;
}

/** The `auth` a private or presence subscription carries: `key:hmac(socketId:channel[:channelData])`. */
export function signChannelAuthorization(
  app: AppCredentials,
  socketId: string,
  channel: string,
  channelData?: string,
): ChannelAuthorization {
  const auth = `${app.key}:${hmacSha256Hex(app.secret, channelStringToSign(socketId, channel, channelData))}`;
  return channelData === undefined ? { auth } : { auth, channel_data: channelData };
}

export function verifyChannelAuthorization(
  app: AppCredentials,
  socketId: string,
  channel: string,
  auth: string | undefined,
  channelData?: string,
): boolean {
  if (typeof auth !== 'string') return false;
  const expected = signChannelAuthorization(app, socketId, channel, channelData).auth;
  return safeEqual(auth, expected);
}

/** The `auth` a `pusher:signin` carries: `key:hmac(socketId::user::userData)`. */
export function signUserAuthentication(app: AppCredentials, socketId: string, userData: string): UserAuthentication {
  return { auth: `${app.key}:${hmacSha256Hex(app.secret, `${socketId}::user::${userData}`)}`, user_data: userData };
}

export function verifyUserAuthentication(
  app: AppCredentials,
  socketId: string,
  auth: string | undefined,
  userData: string,
): boolean {
  if (typeof auth !== 'string') return false;
  return safeEqual(auth, signUserAuthentication(app, socketId, userData).auth);
}

/** Pusher socket ids are two integers joined by a dot. */
export const SOCKET_ID_PATTERN = /^\d+\.\d+$/;

export function isValidSocketId(socketId: unknown): socketId is string {
  return typeof socketId === 'string' && SOCKET_ID_PATTERN.test(socketId);
}

/**
 * The per-channel key of a private-encrypted channel, base64: SHA-256 of the channel name followed
 * by the 32-byte master key, as the `pusher` library derives it for `authorizeChannel`.
 */
export function encryptedChannelSharedSecret(channel: string, encryptionMasterKeyBase64: string): string {
  const masterKey = Buffer.from(encryptionMasterKeyBase64, 'base64');
  if (masterKey.length !== 32) {
    throw new ProtocolError(
      ProtocolErrorCode.SigningInputInvalid,
      `the encryption master key must be 32 bytes in base64, got ${masterKey.length} bytes`,
    );
  }
  return createHash('sha256')
    .update(Buffer.concat([Buffer.from(channel), masterKey]))
    .digest('base64');
}
