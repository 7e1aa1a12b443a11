/** A token bucket: `perSecond` tokens a second, bursts up to `perSecond`. */
export class TokenBucket {
  #tokens: number;
  #refilledAt: number;

  constructor(
    private readonly perSecond: number,
    private readonly now: () => number = Date.now,
  ) {
    this.#tokens = perSecond;
    this.#refilledAt = now();
  }

  /** Takes `count` tokens; false (and nothing taken) when the bucket has fewer. */
  take(count = 1): boolean {
    const now = this.now();
    this.#tokens = Math.min(this.perSecond, this.#tokens + ((now - this.#refilledAt) / 1000) * this.perSecond);
    this.#refilledAt = now;
    if (this.#tokens < count) return false;
    this.#tokens -= count;
    return true;
  }
}
