import { SqsErrorCode } from './errors.js';
import type { PayloadSchema } from './worker-options.js';

/** Why a message is poison: `reason` goes to the log, `shown` to the person watching the task. */
export interface PoisonPayload {
  ok: false;
  code: string;
  reason: string;
  shown: string;
}

/** A message body read as JSON and checked with the worker's schema, or why it cannot be run. */
export function parsePayload(
  body: string | undefined,
  schema: PayloadSchema<unknown> | undefined,
): { ok: true; payload: unknown } | PoisonPayload {
  let data: unknown;
  try {
    data = JSON.parse(body ?? '');
  } catch {
    return {
      ok: false,
      code: SqsErrorCode.MessageNotJson,
      reason: 'the message body is not JSON',
      shown: 'The job could not be read.',
    };
  }
  if (!schema) return { ok: true, payload: data };
  const checked = schema.safeParse(data);
  if (checked.success) return { ok: true, payload: checked.data };
  return {
    ok: false,
    code: SqsErrorCode.PayloadInvalid,
    reason: `the payload does not match the worker's schema: ${checked.error.message}`,
    shown: "The job's data is not what the worker expects.",
  };
}
