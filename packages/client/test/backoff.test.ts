import { describe, expect, it } from 'vitest';
import { Backoff } from '../src/backoff.js';

describe('Backoff (full jitter)', () => {
  it('grows the ceiling exponentially up to the cap and draws each delay below it', () => {
    const draws = [1, 0.5, 1, 1, 1, 1, 1, 1, 1, 0];
    const backoff = new Backoff({ initialMs: 100, maxMs: 1_000 }, () => draws.shift() ?? 1);
    const delays = Array.from({ length: 10 }, () => backoff.next());
    expect(delays).toEqual([100, 100, 400, 800, 1_000, 1_000, 1_000, 1_000, 1_000, 0]);
  });

  it('starts over after reset', () => {
    const backoff = new Backoff({ initialMs: 100, maxMs: 30_000 }, () => 1);
    backoff.next();
    backoff.next();
    expect(backoff.ceiling()).toBe(400);
    backoff.reset();
    expect(backoff.next()).toBe(100);
  });

  it('defaults to a 30 s cap', () => {
    const backoff = new Backoff({}, () => 1);
    for (let i = 0; i < 30; i++) backoff.next();
    expect(backoff.next()).toBe(30_000);
  });

  it('keeps the first quickAttempts ceilings within quickMs, then grows from there to the cap', () => {
    const backoff = new Backoff({ initialMs: 250, maxMs: 30_000, quickAttempts: 4, quickMs: 1_000 }, () => 1);
    const delays = Array.from({ length: 9 }, () => backoff.next());
    expect(delays).toEqual([250, 500, 1_000, 1_000, 1_000, 2_000, 4_000, 8_000, 16_000]);
  });
});
