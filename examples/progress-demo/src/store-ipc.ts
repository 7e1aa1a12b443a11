import type { ChildProcess } from 'node:child_process';
import type { TaskStore } from '@inloop/server';
import { DemoError, DemoErrorCode } from './errors.js';

/**
 * The app and the worker must share one task store (owner, cancel flag, last snapshot, seq). Without
 * Redis, the app keeps the store in memory and the worker child reaches it over the IPC channel that
 * `fork()` already opened: no port to protect, and it lives and dies with the child.
 */
const TAG = 'inloop-store';
const METHODS = ['get', 'setOwner', 'apply', 'nextSeq', 'requestCancel', 'isCancelRequested'] as const;
type Method = (typeof METHODS)[number];

interface StoreRequest {
  tag: typeof TAG;
  id: number;
  method: Method;
  args: unknown[];
}
type StoreReply =
  | { tag: typeof TAG; id: number; ok: true; value: unknown }
  | { tag: typeof TAG; id: number; ok: false; error: string };

const isRequest = (message: unknown): message is StoreRequest =>
  typeof message === 'object' &&
  message !== null &&
  (message as StoreRequest).tag === TAG &&
  METHODS.includes((message as StoreRequest).method) &&
  Array.isArray((message as StoreRequest).args);

/** Answers a child's store calls from `store`. Returns a function that stops answering. */
export function serveStoreOverIpc(store: TaskStore, child: ChildProcess): () => void {
  const onMessage = (message: unknown) => {
    if (!isRequest(message)) return;
    const call = store[message.method] as (...args: unknown[]) => Promise<unknown>;
    call.apply(store, message.args).then(
      (value) => reply({ tag: TAG, id: message.id, ok: true, value }),
      (error: unknown) => reply({ tag: TAG, id: message.id, ok: false, error: (error as Error)?.message ?? 'failed' }),
    );
  };
  const reply = (answer: StoreReply) => {
    if (child.connected) child.send(answer, (error) => error && undefined);
  };
  child.on('message', onMessage);
  return () => child.off('message', onMessage);
}

interface Pending {
  resolve(value: unknown): void;
  reject(error: Error): void;
  timer: NodeJS.Timeout;
}

/** A TaskStore whose calls go to the parent process (see serveStoreOverIpc). */
export function createIpcStore(options: { timeoutMs?: number } = {}): TaskStore {
  const timeoutMs = options.timeoutMs ?? 10_000;
  if (typeof process.send !== 'function') {
    throw new DemoError(
      DemoErrorCode.StoreUnavailable,
      'the IPC task store needs a parent process: start the worker with child_process.fork()',
    );
  }
  const pending = new Map<number, Pending>();
  let nextId = 1;

  const onMessage = (message: unknown) => {
    const answer = message as StoreReply;
    if (answer?.tag !== TAG) return;
    const call = pending.get(answer.id);
    if (!call) return;
    pending.delete(answer.id);
    clearTimeout(call.timer);
    if (answer.ok) call.resolve(answer.value);
    else call.reject(new DemoError(DemoErrorCode.StoreUnavailable, `task store: ${answer.error}`));
  };
  const onDisconnect = () => {
    for (const [id, call] of pending) {
      pending.delete(id);
      clearTimeout(call.timer);
      call.reject(new DemoError(DemoErrorCode.StoreUnavailable, 'task store: the parent process went away'));
    }
  };
  process.on('message', onMessage);
  process.on('disconnect', onDisconnect);

  const invoke = <T>(method: Method, ...args: unknown[]): Promise<T> =>
    new Promise<T>((resolve, reject) => {
      if (!process.connected) {
        reject(new DemoError(DemoErrorCode.StoreUnavailable, 'task store: not connected to the parent process'));
        return;
      }
      const id = nextId++;
      const timer = setTimeout(() => {
        pending.delete(id);
        reject(new DemoError(DemoErrorCode.StoreUnavailable, `task store: ${method} got no answer in ${timeoutMs} ms`));
      }, timeoutMs);
      pending.set(id, { resolve: resolve as (value: unknown) => void, reject, timer });
      const request: StoreRequest = { tag: TAG, id, method, args };
      process.send?.(request, undefined, undefined, (error: Error | null) => {
        if (!error || !pending.delete(id)) return;
        clearTimeout(timer);
        reject(new DemoError(DemoErrorCode.StoreUnavailable, `task store: ${method} not sent: ${error.message}`));
      });
    });

  return {
    get: (taskId) => invoke('get', taskId),
    setOwner: (taskId, owner) => invoke('setOwner', taskId, owner),
    apply: (event) => invoke('apply', event),
    nextSeq: (taskId) => invoke('nextSeq', taskId),
    requestCancel: (taskId) => invoke('requestCancel', taskId),
    isCancelRequested: (taskId) => invoke('isCancelRequested', taskId),
    async close() {
      process.off('message', onMessage);
      process.off('disconnect', onDisconnect);
      onDisconnect();
    },
  };
}
