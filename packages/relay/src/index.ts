export type * from './adapter.js';
export { configFromEnv, formatConfigIssues, parseRelayConfig, readConfigFile } from './config.js';
export * from './config-schema.js';
export type * from './connection.js';
export * from './errors.js';
export { LocalAdapter } from './local-adapter.js';
export { createRelay, type Relay, type RelayOptions } from './relay.js';
