/** Close codes of protocol 7, by what a client should do next. */
export const CloseCode = {
  SslOnly: 4000,
  AppDoesNotExist: 4001,
  AppDisabled: 4003,
  OverConnectionQuota: 4004,
  PathNotFound: 4005,
  InvalidVersionFormat: 4006,
  UnsupportedProtocolVersion: 4007,
  NoProtocolVersion: 4008,
  Unauthorized: 4009,
  OverCapacity: 4100,
  GenericReconnectImmediately: 4200,
  PongNotReceived: 4201,
  ClosedAfterInactivity: 4202,
  ClientEventRateLimit: 4301,
} as const;

export type CloseAction = 'no-retry' | 'backoff' | 'reconnect-now' | 'default';

/**
 * What a client does after a close, as pusher-js decides it: 4000–4099 and the unknown 4300+
 * never retry, 4100–4199 and the WebSocket errors 1002–1004 back off, 4200–4299 reconnect at
 * once; anything else (1000, 1001, 1006, ...) takes the client's default path.
 */
export function closeAction(code: number): CloseAction {
  if (code >= 1002 && code <= 1004) return 'backoff';
  if (code < 4000) return 'default';
  if (code < 4100) return 'no-retry';
  if (code < 4200) return 'backoff';
  if (code < 4300) return 'reconnect-now';
  return 'no-retry';
}
