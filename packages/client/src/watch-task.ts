import {
  applyTaskEvent,
  DEFAULT_TASK_CHANNEL_PREFIX,
  isTerminalState,
  type TaskEvent,
  type TaskSnapshot,
} from '@inloop/protocol';
import { Backoff } from './backoff.js';
import { reportListenerError } from './emitter.js';
import { onGapClosed } from './environment-events.js';
import { readTaskStatus } from './status.js';
import type { TaskFeed } from './task-feed.js';
import { asTaskEvent, type TaskView, viewOf } from './task-view.js';
import type { WatchSettings } from './watch-settings.js';

export interface WatchTaskOptions {
  /** A running task with no event for this long is `stalled`, in ms. */
  stallAfterMs?: number;
  /** The task's channel; default `taskChannel(taskId)` (with the client's prefix). */
  channel?: string;
  /** Called when the status endpoint fails (the watch keeps going). */
  onError?: (error: unknown) => void;
}

export type TaskChangeCallback = (view: TaskView) => void;

/**
 * Turns a task channel into a view that only moves forward: events are folded with the protocol's
 * reducer (duplicates and stale events drop out), every gap ends with a catch-up from the cache
 * replay and the status endpoint, and while no realtime transport works the status endpoint is
 * polled with backoff until the task ends or realtime returns.
 */
export function watchTaskOn(
  feed: TaskFeed,
  taskId: string,
  onChange: TaskChangeCallback,
  settings: WatchSettings,
  options: WatchTaskOptions = {},
): () => void {
  const stallAfterMs = options.stallAfterMs ?? settings.stallAfterMs;
  const channel = options.channel ?? `${settings.taskChannelPrefix ?? DEFAULT_TASK_CHANNEL_PREFIX}${taskId}`;
  let snapshot: TaskSnapshot | undefined;
  let stalled = false;
  let stopped = false;
  let stallTimer: ReturnType<typeof setTimeout> | undefined;
  let pollTimer: ReturnType<typeof setTimeout> | undefined;
  const pollBackoff = new Backoff(settings.pollBackoff);

  const terminal = () => snapshot !== undefined && isTerminalState(snapshot.state);

  function notify(): void {
    try {
      onChange(viewOf(taskId, snapshot, stalled));
    } catch (error) {
      reportListenerError(error);
    }
  }

  function armStallTimer(): void {
    clearTimeout(stallTimer);
    stallTimer = undefined;
    if (snapshot?.state !== 'running') return;
    stallTimer = setTimeout(async () => {
      stallTimer = undefined;
      // Realtime delivery is at most once: the silence may be a lost event, which the status endpoint knows
      // (unless it is being polled anyway).
      if (!pollTimer) await catchUp();
      if (stopped || snapshot?.state !== 'running' || stallTimer) return;
      stalled = true;
      notify();
    }, stallAfterMs);
  }

  function accept(event: TaskEvent, atLeastPercent = 0): void {
    if (stopped) return;
    const next = applyTaskEvent(snapshot, event);
    if (next === snapshot) return;
    snapshot = atLeastPercent > next.percent ? { ...next, percent: Math.min(100, atLeastPercent) } : next;
    stalled = false;
    armStallTimer();
    if (terminal()) stopPolling();
    notify();
  }

  async function catchUp(): Promise<void> {
    if (!settings.statusUrl || stopped) return;
    try {
      const read = await readTaskStatus(settings, taskId);
      if (read) accept(read.event, read.percent);
    } catch (error) {
      options.onError?.(error);
    }
  }

  function stopPolling(): void {
    clearTimeout(pollTimer);
    pollTimer = undefined;
  }

  function schedulePoll(): void {
    if (pollTimer || stopped || terminal() || !settings.statusUrl || feed.realtime() !== 'down') return;
    pollTimer = setTimeout(async () => {
      await catchUp();
      pollTimer = undefined;
      schedulePoll();
    }, pollBackoff.next());
  }

  const stops = [
    feed.watchChannel(channel, {
      onData: (data) => {
        const event = asTaskEvent(data, taskId);
        if (event) accept(event);
      },
      onSubscribed: () => void catchUp(),
    }),
    feed.onRealtimeChange((status) => {
      if (status === 'down') {
        pollBackoff.reset();
        void catchUp();
        schedulePoll();
      } else if (status === 'up') {
        // Back after an outage: read the status now, not only after the re-subscription's auth round trip.
        if (pollTimer) void catchUp();
        stopPolling();
      }
    }),
    onGapClosed(settings.environmentEvents, () => {
      if (terminal()) return;
      feed.refresh(channel);
      void catchUp();
    }),
  ];
  if (feed.realtime() === 'down') schedulePoll();

  return () => {
    if (stopped) return;
    stopped = true;
    stopPolling();
    clearTimeout(stallTimer);
    for (const stop of stops) stop();
  };
}
