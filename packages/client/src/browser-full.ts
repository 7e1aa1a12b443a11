// The browser bundle with the pusher-js and ably-js adapters (`inloop-client.full.iife.js`).
export * from './adapters/index.js';
export * from './index.js';
