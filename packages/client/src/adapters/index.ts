// Adapters that run watchTask over pusher-js or ably-js: a separate entry point (`@inloop/client/adapters`)
// so apps that connect with @inloop/client itself do not ship them.
export type { AdapterOptions, TaskWatcher } from './adapter-options.js';
export { type AblyChannelLike, type AblyRealtimeLike, fromAbly } from './ably.js';
export { fromPusherJs, type PusherJsChannelLike, type PusherJsLike } from './pusher-js.js';
