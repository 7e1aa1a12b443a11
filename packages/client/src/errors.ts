/** Stable codes for everything @inloop/client refuses or reports. */
export const ClientErrorCode = {
  ConfigInvalid: 'INLOOP_CONFIG_INVALID',
  NoWebSocket: 'INLOOP_NO_WEBSOCKET',
  NoFetch: 'INLOOP_NO_FETCH',
  AuthFailed: 'INLOOP_AUTH_FAILED',
  ChannelUnsupported: 'INLOOP_CHANNEL_UNSUPPORTED',
  StatusFailed: 'INLOOP_STATUS_FAILED',
} as const;
export type ClientErrorCode = (typeof ClientErrorCode)[keyof typeof ClientErrorCode];

export class InloopClientError extends Error {
  override readonly name = 'InloopClientError';

  constructor(
    readonly code: ClientErrorCode,
    message: string,
    /** HTTP status of the response that caused it, when there was one. */
    readonly status?: number,
  ) {
    super(message);
  }
}

/** Throws the error of a connect() option (or argument) that cannot work; `message` says how to fix it. */
export function invalidOption(message: string): never {
  throw new InloopClientError(ClientErrorCode.ConfigInvalid, message);
}
