/** Stable codes for everything @inloop/relay refuses. */
export const RelayErrorCode = {
  ConfigInvalid: 'INLOOP_CONFIG_INVALID',
  ConfigFileUnreadable: 'INLOOP_CONFIG_FILE_UNREADABLE',
  HttpAuthInvalid: 'INLOOP_HTTP_AUTH_INVALID',
  HttpRequestInvalid: 'INLOOP_HTTP_REQUEST_INVALID',
  PayloadTooLarge: 'INLOOP_PAYLOAD_TOO_LARGE',
  AppNotFound: 'INLOOP_APP_NOT_FOUND',
  AppDisabled: 'INLOOP_APP_DISABLED',
  ChannelNotFound: 'INLOOP_CHANNEL_NOT_FOUND',
  RedisUnavailable: 'INLOOP_REDIS_UNAVAILABLE',
  RateLimited: 'INLOOP_RATE_LIMITED',
  WebhookDeliveryFailed: 'INLOOP_WEBHOOK_DELIVERY_FAILED',
} as const;
export type RelayErrorCode = (typeof RelayErrorCode)[keyof typeof RelayErrorCode];

export class RelayError extends Error {
  override readonly name: string = 'RelayError';
  constructor(
    readonly code: RelayErrorCode,
    message: string,
  ) {
    super(message);
  }
}

/** A configuration value is wrong; `problems` holds one line per bad field. */
export class RelayConfigError extends RelayError {
  override readonly name = 'RelayConfigError';
  constructor(
    readonly problems: string[],
    code: RelayErrorCode = RelayErrorCode.ConfigInvalid,
  ) {
    super(code, `invalid relay configuration:\n  - ${problems.join('\n  - ')}`);
  }
}

/** An HTTP API request is refused with `status`; the message is safe to send back. */
export class HttpApiError extends RelayError {
  override readonly name = 'HttpApiError';
  constructor(
    readonly status: number,
    code: RelayErrorCode,
    message: string,
  ) {
    super(code, message);
  }
}
