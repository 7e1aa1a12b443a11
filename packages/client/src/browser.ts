// Entry of the IIFE build (`inloop-client.iife.js`): what a page needs as the global `Inloop` (connect(), the
// client class and its errors; the channel and connection classes come with a client), assigned as a plain
// object (smaller than the getters of esbuild's IIFE exports).
import { connect, InloopClient } from './client.js';
import { ClientErrorCode, InloopClientError } from './errors.js';
import { CLIENT_VERSION } from './version.js';

export const Inloop = {
  CLIENT_VERSION,
  ClientErrorCode,
  connect,
  InloopClient,
  InloopClientError,
};
(globalThis as { Inloop?: unknown }).Inloop = Inloop;
