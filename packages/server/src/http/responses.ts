import { EndpointErrorCode } from '../errors.js';

/** What an endpoint answers: an HTTP status and a JSON body. */
export interface EndpointResponse {
  status: number;
  body: unknown;
}

/** The body of every error answer: a stable code and a message safe to show anyone (no internals, no stack). */
export interface EndpointErrorBody {
  error: { code: EndpointErrorCode; message: string };
}

export function errorResponse(
  status: number,
  code: EndpointErrorCode,
  message: string,
  extra: Record<string, unknown> = {},
): EndpointResponse {
  return { status, body: { error: { code, message }, ...extra } };
}

export const UNAUTHENTICATED = errorResponse(401, EndpointErrorCode.Unauthenticated, 'Sign in first.');
/** Deliberately the same for a forged socket id, a bad channel name and someone else's task: no detail. */
export const FORBIDDEN = errorResponse(403, EndpointErrorCode.Forbidden, 'Not allowed.');
export const NOT_FOUND = errorResponse(404, EndpointErrorCode.NotFound, 'No such task.');
export const NOT_SUPPORTED = errorResponse(
  501,
  EndpointErrorCode.NotSupported,
  'This kind of authorization is not available with the configured transport.',
);
export const INTERNAL_ERROR = errorResponse(
  500,
  EndpointErrorCode.Internal,
  'Something went wrong on the server; try again later.',
);
export const BAD_REQUEST = errorResponse(400, EndpointErrorCode.BadRequest, 'The request body could not be read.');
export const BODY_TOO_LARGE = errorResponse(413, EndpointErrorCode.BodyTooLarge, 'The request body is too large.');
