/** The IIFE build of the HTTP fallback: its file name next to the client, and the global it sets. */
export const HTTP_FALLBACK_FILE = 'inloop-client.http.iife.js';
export const HTTP_FALLBACK_GLOBAL = 'InloopHttpFallback';
