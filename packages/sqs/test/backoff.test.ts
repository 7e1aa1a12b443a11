import { describe, expect, it } from 'vitest';
import { backoffDelayMs } from '../src/backoff.js';

describe('backoffDelayMs', () => {
  it('doubles per attempt, keeps half fixed and half jittered, and caps', () => {
    const options = { baseMs: 1000, maxMs: 10_000 };
    expect(backoffDelayMs(1, options, () => 0)).toBe(500);
    expect(backoffDelayMs(1, options, () => 1)).toBe(1000);
    expect(backoffDelayMs(3, options, () => 0)).toBe(2000);
    expect(backoffDelayMs(3, options, () => 1)).toBe(4000);
    expect(backoffDelayMs(20, options, () => 1)).toBe(10_000);
    expect(backoffDelayMs(20, options, () => 0)).toBe(5000);
  });
});
