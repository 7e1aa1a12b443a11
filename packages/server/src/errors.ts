/** Stable codes for everything @inloop/server refuses or fails at. */
export const ServerErrorCode = {
  ConfigInvalid: 'INLOOP_CONFIG_INVALID',
  PayloadTooLarge: 'INLOOP_PAYLOAD_TOO_LARGE',
  ProviderMissing: 'INLOOP_PROVIDER_MISSING',
  DeliveryFailed: 'INLOOP_DELIVERY_FAILED',
  NotSupported: 'INLOOP_NOT_SUPPORTED',
  TransportClosed: 'INLOOP_TRANSPORT_CLOSED',
  InvalidArgument: 'INLOOP_INVALID_ARGUMENT',
} as const;
export type ServerErrorCode = (typeof ServerErrorCode)[keyof typeof ServerErrorCode];

/** Stable codes of the errors the HTTP endpoints answer browsers with (`{ error: { code, message } }`). */
export const EndpointErrorCode = {
  Unauthenticated: 'INLOOP_UNAUTHENTICATED',
  Forbidden: 'INLOOP_FORBIDDEN',
  NotFound: 'INLOOP_NOT_FOUND',
  TaskFinished: 'INLOOP_TASK_FINISHED',
  BadRequest: 'INLOOP_BAD_REQUEST',
  BodyTooLarge: 'INLOOP_BODY_TOO_LARGE',
  NotSupported: 'INLOOP_NOT_SUPPORTED',
  Internal: 'INLOOP_INTERNAL',
} as const;
export type EndpointErrorCode = (typeof EndpointErrorCode)[keyof typeof EndpointErrorCode];

export class InloopError extends Error {
  override name = 'InloopError';
  constructor(
    readonly code: ServerErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** A config that cannot work; `issues` holds one message per mistake, none of them showing a secret. */
export class ConfigError extends InloopError {
  override name = 'ConfigError';
  constructor(readonly issues: string[]) {
    super(
      ServerErrorCode.ConfigInvalid,
      issues.length === 1 ? `Invalid inloop config: ${issues[0]}` : `Invalid inloop config:\n- ${issues.join('\n- ')}`,
    );
  }
}

export class PayloadTooLargeError extends InloopError {
  override name = 'PayloadTooLargeError';
  constructor(
    readonly transport: string,
    readonly size: number,
    readonly limit: number,
    event: string,
  ) {
    super(
      ServerErrorCode.PayloadTooLarge,
      `${transport}: event "${event}" is ${size} bytes, over the limit of ${limit} bytes; send less data (e.g. an id the browser can fetch) or raise the limit where the provider allows it`,
    );
  }
}

export class ProviderMissingError extends InloopError {
  override name = 'ProviderMissingError';
  constructor(
    readonly packageName: string,
    transport: string,
    cause?: unknown,
  ) {
    super(
      ServerErrorCode.ProviderMissing,
      `the ${transport} transport needs the "${packageName}" package, which is not installed: run npm install ${packageName}`,
      { cause },
    );
  }
}

/** A provider refused or could not be reached; `status` is the HTTP status when one came back. */
export class DeliveryError extends InloopError {
  override name = 'DeliveryError';
  constructor(
    message: string,
    readonly transport: string,
    readonly status: number | undefined,
    readonly retryable: boolean,
    readonly retryAfterMs?: number,
    options?: { cause?: unknown },
  ) {
    super(ServerErrorCode.DeliveryFailed, message, options);
  }
}

export class NotSupportedError extends InloopError {
  override name = 'NotSupportedError';
  constructor(message: string) {
    super(ServerErrorCode.NotSupported, message);
  }
}

export class InvalidArgumentError extends InloopError {
  override name = 'InvalidArgumentError';
  constructor(message: string) {
    super(ServerErrorCode.InvalidArgument, message);
  }
}
