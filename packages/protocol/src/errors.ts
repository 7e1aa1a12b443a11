/** Stable codes for everything @inloop/protocol refuses. */
export const ProtocolErrorCode = {
  FrameMalformed: 'INLOOP_FRAME_MALFORMED',
  FrameTooLarge: 'INLOOP_FRAME_TOO_LARGE',
  FrameUnknownEvent: 'INLOOP_FRAME_UNKNOWN_EVENT',
  ChannelNameInvalid: 'INLOOP_CHANNEL_NAME_INVALID',
  TaskEventInvalid: 'INLOOP_TASK_EVENT_INVALID',
  SignatureInvalid: 'INLOOP_SIGNATURE_INVALID',
  SigningInputInvalid: 'INLOOP_SIGNING_INPUT_INVALID',
} as const;
export type ProtocolErrorCode = (typeof ProtocolErrorCode)[keyof typeof ProtocolErrorCode];

/**
 * Codes for the `data.code` of a `pusher:error` frame. Protocol 7 makes the code optional;
 * 4300–4399 are errors that keep the connection open.
 */
export const PusherErrorCode = {
  /** A frame the server could not use (not JSON, wrong shape, unknown `pusher:` event): no code, as on Pusher. */
  Malformed: null,
  /** A frame over the size limit: rejected, the connection stays open. */
  TooLarge: 4301,
} as const;

export class ProtocolError extends Error {
  override readonly name = 'ProtocolError';
  /** Pusher error code to send back in a `pusher:error` frame, when there is one. */
  readonly pusherCode: number | null;

  constructor(
    readonly code: ProtocolErrorCode,
    message: string,
    pusherCode: number | null = null,
  ) {
    super(message);
    this.pusherCode = pusherCode;
  }
}
