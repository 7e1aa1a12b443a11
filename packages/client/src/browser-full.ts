// The browser bundle with presence member lists and the pusher-js and ably-js adapters (`inloop-client.full.iife.js`).
export * from './adapters/index.js';
export * from './index.js';
export { PresenceMembers } from './presence.js';
