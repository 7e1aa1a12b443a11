/** SQS's limit: a message stays invisible at most 12 hours from the receive, extensions included. */
export const MAX_VISIBILITY_SECONDS = 43_200;

export interface VisibilityLeaseOptions {
  /** The visibility timeout the message was received with, in seconds; each extension adds this much again. */
  visibilityTimeout: number;
  /** When the receive was sent (ms epoch): SQS counts the 12 hours from there. */
  receivedAt: number;
  changeVisibility(seconds: number): Promise<void>;
  /** Called once, right before the last extension the 12-hour limit allows. */
  onLimit(info: { visibleAt: number }): void;
  /** An extension SQS refused (e.g. the receipt handle is no longer valid): the lease stops. */
  onLost(error: unknown): void;
  now?: () => number;
}

/**
 * Keeps a received message invisible while its job runs: extends the visibility halfway through each period, so
 * a job longer than the queue's visibility timeout is not delivered twice, and stops at the 12-hour total.
 */
export class VisibilityLease {
  private expiresAt: number;
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;
  private atLimit = false;
  private extending: Promise<void> | undefined;
  private readonly now: () => number;

  constructor(private readonly options: VisibilityLeaseOptions) {
    this.now = options.now ?? Date.now;
    this.expiresAt = options.receivedAt + options.visibilityTimeout * 1000;
  }

  start(): void {
    this.schedule();
  }

  /** Stops extending; resolves once an extension already sent has settled, so a later visibility change wins. */
  stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    return this.extending ?? Promise.resolve();
  }

  /** Seconds the message may still be kept invisible, counted against the 12-hour limit. */
  remainingBudgetSeconds(): number {
    const elapsed = (this.now() - this.options.receivedAt) / 1000;
    return Math.max(0, Math.floor(MAX_VISIBILITY_SECONDS - elapsed));
  }

  private schedule(): void {
    if (this.stopped || this.atLimit) return;
    const delay = Math.max(0, (this.expiresAt - this.now()) / 2);
    this.timer = setTimeout(() => {
      this.extending = this.extend().finally(() => {
        this.extending = undefined;
      });
    }, delay);
    this.timer.unref?.();
  }

  private async extend(): Promise<void> {
    if (this.stopped) return;
    const wanted = this.options.visibilityTimeout;
    const seconds = Math.min(wanted, this.remainingBudgetSeconds());
    if (seconds < wanted) {
      this.atLimit = true;
      this.options.onLimit({ visibleAt: this.now() + seconds * 1000 });
    }
    try {
      await this.options.changeVisibility(seconds);
      this.expiresAt = this.now() + seconds * 1000;
      this.schedule();
    } catch (error) {
      if (this.stopped) return;
      this.stop();
      this.options.onLost(error);
    }
  }
}
