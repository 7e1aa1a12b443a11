import { z } from 'zod';
import { ProtocolError, ProtocolErrorCode } from './errors.js';
import { TASK_STATES, type TaskEvent } from './task-state.js';

export const taskIdSchema = z
  .string()
  .min(1, 'a task id cannot be empty')
  .max(128, 'a task id is at most 128 characters')
  .regex(/^[A-Za-z0-9_\-=@,.;]+$/, 'a task id may hold only letters, digits and the characters _ - = @ , . and ;');

export const taskStateSchema = z.enum(TASK_STATES);

export const taskProgressSchema = z.object({
  done: z.number().finite().nonnegative(),
  total: z.number().finite().positive().optional(),
  percent: z.number().finite().min(0).max(100).optional(),
  step: z.string().max(200).optional(),
  message: z.string().max(1000).optional(),
});

export const taskErrorSchema = z.object({
  code: z.string().min(1).max(100),
  message: z.string().max(1000),
  retryable: z.boolean(),
});

export const taskEventSchema = z.object({
  v: z.literal(1),
  task: taskIdSchema,
  seq: z.number().int().nonnegative(),
  at: z.number().int().nonnegative(),
  state: taskStateSchema,
  attempt: z.number().int().positive(),
  progress: taskProgressSchema.optional(),
  eta: z.number().int().nonnegative().optional(),
  retryAt: z.number().int().nonnegative().optional(),
  result: z.unknown().optional(),
  error: taskErrorSchema.optional(),
});

export type TaskEventParseResult = { ok: true; event: TaskEvent } | { ok: false; error: ProtocolError };

/** Validates an event from outside without throwing; the error names each bad field. */
export function safeParseTaskEvent(input: unknown): TaskEventParseResult {
  const parsed = taskEventSchema.safeParse(input);
  if (parsed.success) return { ok: true, event: parsed.data as TaskEvent };
  const issues = parsed.error.issues.map((issue) => `${issue.path.join('.') || '(event)'}: ${issue.message}`);
  return {
    ok: false,
    error: new ProtocolError(ProtocolErrorCode.TaskEventInvalid, `invalid task event: ${issues.join('; ')}`),
  };
}

/** Validates an event from outside (a wire frame, an HTTP body, a queue message); throws a ProtocolError. */
export function parseTaskEvent(input: unknown): TaskEvent {
  const parsed = safeParseTaskEvent(input);
  if (!parsed.ok) throw parsed.error;
  return parsed.event;
}
