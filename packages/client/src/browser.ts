// Entry of the IIFE build (`inloop-client.iife.js`): the client's exports as the global `Inloop`,
// assigned as a plain object (smaller than the getters of esbuild's IIFE exports).
import { Backoff } from './backoff.js';
import { Channel } from './channel.js';
import { connect, InloopClient } from './client.js';
import { Connection } from './connection.js';
import { ClientErrorCode, InloopClientError } from './errors.js';
import { CLIENT_VERSION } from './version.js';

export const Inloop = {
  Backoff,
  Channel,
  CLIENT_VERSION,
  ClientErrorCode,
  connect,
  Connection,
  InloopClient,
  InloopClientError,
};
(globalThis as { Inloop?: unknown }).Inloop = Inloop;
