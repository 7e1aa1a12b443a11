export const APP = { id: 'bench', key: 'bench-key', secret: 'bench-secret' };
export const CHANNEL = 'bench';
export const EVENT = 'tick';

/** Wall-clock milliseconds with sub-millisecond precision, comparable between processes. */
export function nowMs() {
  return performance.timeOrigin + performance.now();
}

/** The event data: `<sentAtMs>|` padded to a task-progress-sized payload (JSON-safe characters only). */
export function payload(sentAt) {
  const head = `${sentAt.toFixed(3)}|`;
  return head + 'p'.repeat(Math.max(0, 120 - head.length));
}

/** The Pusher frame the relay sends for this payload; the bare ws server broadcasts exactly it. */
export function pusherFrame(data) {
  return JSON.stringify({ event: EVENT, channel: CHANNEL, data });
}
