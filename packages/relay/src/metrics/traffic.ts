/**
 * Frames and bytes between the relay and its clients, kept as plain numbers because they move
 * on every delivery; the Prometheus counters read them when scraped.
 */
export class TrafficCounters {
  messagesIn = 0;
  bytesIn = 0;
  messagesOut = 0;
  bytesOut = 0;
  // A publish hands the same frame to every subscriber: measure it once.
  #lastFrame = '';
  #lastFrameBytes = 0;

  received(frame: string): void {
    this.messagesIn += 1;
    this.bytesIn += Buffer.byteLength(frame, 'utf8');
  }

  sent(frame: string): void {
    if (frame !== this.#lastFrame) {
      this.#lastFrame = frame;
      this.#lastFrameBytes = Buffer.byteLength(frame, 'utf8');
    }
    this.messagesOut += 1;
    this.bytesOut += this.#lastFrameBytes;
  }
}
