/**
 * Detects a dead connection: after `idleMs` without traffic it pings, and when nothing at all
 * arrives within `pongTimeoutMs` it declares the connection dead.
 */
export class ActivityMonitor {
  private idleTimer: ReturnType<typeof setTimeout> | null = null;
  private pongTimer: ReturnType<typeof setTimeout> | null = null;
  private idleMs = 0;

  constructor(
    private readonly ping: () => void,
    private readonly onDead: () => void,
    private readonly pongTimeoutMs: number,
  ) {}

  start(idleMs: number): void {
    this.idleMs = idleMs;
    this.touch();
  }

  /** Any traffic from the server proves the connection alive. */
  touch(): void {
    if (this.idleMs === 0) return;
    this.clear();
    this.idleTimer = setTimeout(() => this.checkNow(), this.idleMs);
  }

  /** Pings now and expects an answer (e.g. when the network comes back or the tab is shown again). */
  checkNow(pongTimeoutMs = this.pongTimeoutMs): void {
    if (this.idleMs === 0 || this.pongTimer) return;
    if (this.idleTimer) clearTimeout(this.idleTimer);
    this.idleTimer = null;
    this.ping();
    this.pongTimer = setTimeout(() => {
      this.stop();
      this.onDead();
    }, pongTimeoutMs);
  }

  stop(): void {
    this.clear();
    this.idleMs = 0;
  }

  private clear(): void {
    if (this.idleTimer) clearTimeout(this.idleTimer);
    if (this.pongTimer) clearTimeout(this.pongTimer);
    this.idleTimer = this.pongTimer = null;
  }
}
