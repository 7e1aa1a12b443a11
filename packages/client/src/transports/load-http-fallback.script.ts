import type { TransportEnvironment } from '../transport.js';
import type { HttpTransports } from './http-fallback.js';
import { HTTP_FALLBACK_FILE, HTTP_FALLBACK_GLOBAL } from './http-fallback-global.js';

type Scope = typeof globalThis & { [HTTP_FALLBACK_GLOBAL]?: HttpTransports };

// Read while the IIFE runs: afterwards `currentScript` is whichever script runs then.
const ownUrl = (globalThis.document?.currentScript as HTMLScriptElement | null)?.src;
let loading: Promise<HttpTransports> | undefined;

/**
 * IIFE build: adds a `<script>` for the HTTP fallback, by default from the directory the client was loaded from
 * (`httpFallbackUrl` in connect() says otherwise). A page that already includes it pays no extra request. A failed
 * load is not remembered, so the next connection round tries again.
 */
export function loadHttpFallback(environment: TransportEnvironment): Promise<HttpTransports> {
  const scope = globalThis as Scope;
  loading ??= new Promise<HttpTransports>((resolve, reject) => {
    const url = environment.httpFallbackUrl ?? new URL(HTTP_FALLBACK_FILE, ownUrl ?? location.href).href;
    const settle = () => {
      const transports = scope[HTTP_FALLBACK_GLOBAL];
      if (transports) resolve(transports);
      else reject(new Error(`HTTP fallback unavailable: could not load ${url}`));
    };
    if (scope[HTTP_FALLBACK_GLOBAL]) return settle();
    const script = document.createElement('script');
    script.src = url;
    script.onload = script.onerror = settle;
    document.head.append(script);
  }).catch((error) => {
    loading = undefined;
    throw error;
  });
  return loading;
}
