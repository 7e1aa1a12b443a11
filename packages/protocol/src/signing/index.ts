export * from './channel-auth.js';
export { hmacSha256Hex, md5Hex, safeEqual } from './hmac.js';
export * from './http-api.js';
export * from './webhook.js';
