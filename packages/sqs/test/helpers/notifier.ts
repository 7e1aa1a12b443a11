import { applyTaskEvent, TASK_EVENT_NAME, type TaskEvent, type TaskSnapshot, type TaskState } from '@inloop/protocol';
import {
  createMemoryStore,
  createMemoryTransport,
  createNotifier,
  type Notifier,
  type TaskStore,
} from '@inloop/server';
import { captureLogger } from './logger.js';

/** Every task event the browser would see, kept per task. */
export interface Recorder {
  events: TaskEvent[];
  of(taskId: string): TaskEvent[];
  /** The state of each of the task's events. */
  states(taskId: string): TaskState[];
  /** The states of the task's events, consecutive repeats (progress while running) merged. */
  transitions(taskId: string): TaskState[];
  /** What the browser shows: the task's events folded with @inloop/protocol's applyTaskEvent, in arrival order. */
  view(taskId: string): TaskSnapshot | undefined;
  /** Each intermediate view, to check that nothing moves backwards. */
  views(taskId: string): TaskSnapshot[];
}

export function createRecorder(): Recorder & { record(event: TaskEvent): void } {
  const events: TaskEvent[] = [];
  const of = (taskId: string) => events.filter((event) => event.task === taskId);
  const views = (taskId: string) => {
    const out: TaskSnapshot[] = [];
    let snapshot: TaskSnapshot | undefined;
    for (const event of of(taskId)) {
      snapshot = applyTaskEvent(snapshot, event);
      out.push(snapshot);
    }
    return out;
  };
  return {
    events,
    record: (event) => events.push(event),
    of,
    states: (taskId) => of(taskId).map((event) => event.state),
    transitions: (taskId) =>
      of(taskId)
        .map((event) => event.state)
        .filter((state, index, all) => index === 0 || all[index - 1] !== state),
    view: (taskId) => views(taskId).at(-1),
    views,
  };
}

export interface TestNotifier {
  notifier: Notifier;
  store: TaskStore;
  /** Events of this notifier are recorded on their own; record() adds those of other processes. */
  recorder: Recorder & { record(event: TaskEvent): void };
  close(): Promise<void>;
}

/** The real @inloop/server notifier on its memory transport, with a subscriber on every channel. */
export function createTestNotifier(options: { store?: TaskStore; throttleMs?: number } = {}): TestNotifier {
  const transport = createMemoryTransport();
  const store = options.store ?? createMemoryStore();
  const notifier = createNotifier(transport, {
    store,
    throttleMs: options.throttleMs ?? 50,
    logger: captureLogger().logger,
  });
  const recorder = createRecorder();
  transport.subscribe('*', (message) => {
    if (message.event === TASK_EVENT_NAME) recorder.record(message.data as TaskEvent);
  });
  return { notifier, store, recorder, close: () => notifier.close() };
}
