import {
  ProtocolError,
  ProtocolErrorCode,
  parseTaskEvent,
  safeParseTaskEvent,
  taskEventSchema,
  taskIdSchema,
} from '@inloop/protocol';
import { describe, expect, it } from 'vitest';

const valid = {
  v: 1,
  task: 'export_2024-01.csv',
  seq: 3,
  at: 1_700_000_000_000,
  state: 'running',
  attempt: 1,
  progress: { done: 30, total: 120, step: 'rows', message: 'Exporting rows' },
  eta: 4000,
};

function messageOf(input: unknown): string {
  const parsed = safeParseTaskEvent(input);
  if (parsed.ok) throw new Error('expected a refusal');
  expect(parsed.error).toBeInstanceOf(ProtocolError);
  expect(parsed.error.code).toBe(ProtocolErrorCode.TaskEventInvalid);
  return parsed.error.message;
}

describe('task event schema', () => {
  it('accepts a full event and each terminal shape', () => {
    expect(parseTaskEvent(valid)).toEqual(valid);
    expect(parseTaskEvent({ ...valid, state: 'succeeded', progress: undefined, result: { rows: 120 } }).result).toEqual(
      { rows: 120 },
    );
    const error = { code: 'EXPORT_FAILED', message: 'The export failed', retryable: false };
    expect(parseTaskEvent({ ...valid, state: 'failed', error }).error).toEqual(error);
  });

  it('drops unknown fields instead of passing them on', () => {
    expect(parseTaskEvent({ ...valid, secret: 'x' })).not.toHaveProperty('secret');
  });

  it.each([
    [{ ...valid, v: 2 }, 'v:'],
    [{ ...valid, seq: -1 }, 'seq:'],
    [{ ...valid, seq: 1.5 }, 'seq:'],
    [{ ...valid, at: 'yesterday' }, 'at:'],
    [{ ...valid, state: 'paused' }, 'state:'],
    [{ ...valid, attempt: 0 }, 'attempt:'],
    [{ ...valid, progress: { done: -1 } }, 'progress.done:'],
    [{ ...valid, progress: { done: 1, total: 0 } }, 'progress.total:'],
    [{ ...valid, progress: { done: 1, percent: 101 } }, 'progress.percent:'],
    [{ ...valid, progress: { done: Number.POSITIVE_INFINITY } }, 'progress.done:'],
    [{ ...valid, eta: -5 }, 'eta:'],
    [{ ...valid, error: { code: 'E', message: 'm' } }, 'error.retryable:'],
    [{ ...valid, error: { code: '', message: 'm', retryable: true } }, 'error.code:'],
  ])('refuses %j naming the field', (input, field) => {
    expect(messageOf(input)).toContain(field);
  });

  it('names every bad field at once', () => {
    const message = messageOf({ ...valid, seq: 'x', state: 'nope' });
    expect(message).toMatch(/^invalid task event: /);
    expect(message).toContain('seq:');
    expect(message).toContain('state:');
  });

  it('refuses what is not an object', () => {
    expect(messageOf(null)).toContain('(event)');
    expect(messageOf('{"v":1}')).toContain('(event)');
  });

  it('parseTaskEvent throws the typed error', () => {
    expect(() => parseTaskEvent({})).toThrow(ProtocolError);
    expect(taskEventSchema.safeParse(valid).success).toBe(true);
  });
});

describe('task id rules', () => {
  it.each(['a', 'A-Z_0-9', 'user@example.com', 'k=v,x;y', 'x'.repeat(128)])('accepts %s', (id) => {
    expect(taskIdSchema.safeParse(id).success).toBe(true);
  });

  it.each([
    ['', 'empty'],
    ['x'.repeat(129), '128'],
    ['has space', 'only letters'],
    ['slash/id', 'only letters'],
    ['é', 'only letters'],
    ['#server-to-user-1', 'only letters'],
  ])('refuses %j (%s)', (id, expected) => {
    const parsed = taskIdSchema.safeParse(id);
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues[0]?.message).toContain(expected);
  });
});
