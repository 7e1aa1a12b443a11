interface Sample {
  at: number;
  done: number;
}

/** Estimates the time left from the rate of progress over a recent window. */
export class EtaEstimator {
  private samples: Sample[] = [];

  constructor(
    private readonly windowMs = 10_000,
    private readonly maxSamples = 20,
  ) {}

  reset(): void {
    this.samples = [];
  }

  /** Records `done` of `total` at time `at`; returns the estimated ms left, or undefined when unknown. */
  sample(at: number, done: number, total: number | undefined): number | undefined {
    const last = this.samples[this.samples.length - 1];
    if (last && done < last.done) this.reset();
    if (last && at === last.at && done === last.done) return this.estimate(total);
    this.samples.push({ at, done });
    while (
      this.samples.length > this.maxSamples ||
      (this.samples.length > 2 && at - this.samples[0]!.at > this.windowMs)
    ) {
      this.samples.shift();
    }
    return this.estimate(total);
  }

  private estimate(total: number | undefined): number | undefined {
    if (total === undefined || this.samples.length < 2) return undefined;
    const first = this.samples[0]!;
    const last = this.samples[this.samples.length - 1]!;
    const elapsed = last.at - first.at;
    const progressed = last.done - first.done;
    if (elapsed <= 0 || progressed <= 0) return undefined;
    const remaining = Math.max(0, total - last.done);
    return Math.round(remaining / (progressed / elapsed));
  }
}
