import type { HttpTransports } from './http-fallback.js';

/**
 * Module builds: a dynamic import, which app bundlers (and the ESM browser bundle) split into a chunk of its own.
 * The IIFE build swaps this file for `load-http-fallback.script.ts`.
 */
export const loadHttpFallback = (): Promise<HttpTransports> =>
  import('./http-fallback.js').then((module) => module.httpTransports);
