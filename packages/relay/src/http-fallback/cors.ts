import type { IncomingHttpHeaders } from 'node:http';

/**
 * pusher-js calls the fallback from the page's origin with `Content-Type: application/json`,
 * so every response needs CORS headers and the preflight must succeed. Sessions are keyed by
 * unguessable ids, not cookies, so echoing the origin grants nothing a page could not do itself.
 */
export function corsHeaders(requestHeaders: IncomingHttpHeaders): Record<string, string> {
  const origin = requestHeaders.origin;
  if (typeof origin !== 'string' || origin === '' || origin === 'null') {
    return { 'access-control-allow-origin': '*' };
  }
  return { 'access-control-allow-origin': origin, 'access-control-allow-credentials': 'true', vary: 'Origin' };
}

export function preflightHeaders(requestHeaders: IncomingHttpHeaders): Record<string, string> {
  const requested = requestHeaders['access-control-request-headers'];
  return {
    ...corsHeaders(requestHeaders),
    'access-control-allow-methods': 'OPTIONS, POST',
    'access-control-allow-headers': typeof requested === 'string' && requested !== '' ? requested : 'Content-Type',
    'access-control-max-age': '86400',
    'cache-control': 'public, max-age=86400',
  };
}

/** Receive responses must never be cached or buffered by a proxy. */
export function receiveHeaders(requestHeaders: IncomingHttpHeaders): Record<string, string> {
  return {
    ...corsHeaders(requestHeaders),
    'content-type': 'application/javascript; charset=UTF-8',
    'cache-control': 'no-store, no-cache, no-transform, must-revalidate, max-age=0',
    'x-accel-buffering': 'no',
  };
}
