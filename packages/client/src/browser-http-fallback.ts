// Entry of `inloop-client.http.iife.js`: the HTTP fallback transports, which the IIFE client loads the first
// time a websocket cannot be used (or a page includes up front).
import { httpTransports } from './transports/http-fallback.js';
import { HTTP_FALLBACK_GLOBAL } from './transports/http-fallback-global.js';

(globalThis as Record<string, unknown>)[HTTP_FALLBACK_GLOBAL] = httpTransports;
