import { applyTaskEvent, type TaskEvent, type TaskSnapshot } from '@inloop/protocol';
import type { EnvironmentEvents } from '../src/options.js';
import type { RealtimeStatus, TaskFeed, TaskFeedHandlers } from '../src/task-feed.js';
import type { FetchLike } from '../src/transport.js';

/** A task feed the test drives by hand: it plays the realtime connection under watchTask. */
export class FakeFeed implements TaskFeed {
  status: RealtimeStatus = 'up';
  handlers: TaskFeedHandlers | null = null;
  channel: string | null = null;
  refreshes = 0;
  private readonly listeners = new Set<(status: RealtimeStatus) => void>();

  watchChannel(channel: string, handlers: TaskFeedHandlers): () => void {
    this.channel = channel;
    this.handlers = handlers;
    return () => {
      this.handlers = null;
    };
  }

  realtime(): RealtimeStatus {
    return this.status;
  }

  onRealtimeChange(listener: (status: RealtimeStatus) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  refresh(): void {
    this.refreshes++;
  }

  setStatus(status: RealtimeStatus): void {
    this.status = status;
    for (const listener of this.listeners) listener(status);
  }

  deliver(event: TaskEvent): void {
    this.handlers?.onData(event);
  }
}

/** The app's `GET /tasks/:id`, as an injected fetch over a map of snapshots. */
export class FakeStatusEndpoint {
  readonly snapshots = new Map<string, TaskSnapshot>();
  requests = 0;
  /** When each request came (Date.now(), fake timers included). */
  readonly times: number[] = [];
  failNext = 0;

  record(event: TaskEvent): void {
    this.snapshots.set(event.task, applyTaskEvent(this.snapshots.get(event.task), event));
  }

  readonly fetch: FetchLike = async (input) => {
    this.requests++;
    this.times.push(Date.now());
    if (this.failNext > 0) {
      this.failNext--;
      return new Response('{"error":"boom"}', { status: 503 });
    }
    const id = decodeURIComponent(String(input).split('/').pop() ?? '');
    const snapshot = this.snapshots.get(id);
    return snapshot
      ? new Response(JSON.stringify(snapshot), { status: 200, headers: { 'content-type': 'application/json' } })
      : new Response('{"error":"unknown task"}', { status: 404 });
  };
}

/** `visibilitychange` / `online` / `offline` fired by the test. */
export class FakeEnvironment implements EnvironmentEvents {
  private readonly visible = new Set<() => void>();
  private readonly online = new Set<() => void>();
  private readonly offline = new Set<() => void>();

  onVisible(listener: () => void): () => void {
    this.visible.add(listener);
    return () => this.visible.delete(listener);
  }

  onOnline(listener: () => void): () => void {
    this.online.add(listener);
    return () => this.online.delete(listener);
  }

  onOffline(listener: () => void): () => void {
    this.offline.add(listener);
    return () => this.offline.delete(listener);
  }

  showTab(): void {
    for (const listener of this.visible) listener();
  }

  goOffline(): void {
    for (const listener of this.offline) listener();
  }

  goOnline(): void {
    for (const listener of this.online) listener();
  }
}
