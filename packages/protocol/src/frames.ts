/** Pusher Channels protocol version this package speaks. */
export const PROTOCOL_VERSION = 7;

export * from './client-frames.js';
export * from './close-codes.js';
export { DEFAULT_MAX_FRAME_BYTES, type ParseOptions, type ParseResult } from './frame-json.js';
export * from './server-frames.js';
