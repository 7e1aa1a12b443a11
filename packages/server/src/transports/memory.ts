import { InvalidArgumentError } from '../errors.js';
import type { BatchEvent, Transport, TriggerOptions } from './transport.js';

export interface MemoryMessage {
  channel: string;
  event: string;
  data: unknown;
  socketId?: string;
}

export type MemoryListener = (message: MemoryMessage) => void;

export interface MemoryTransport extends Transport {
  readonly kind: 'memory';
  /** Calls `listener` for every event on `channel`, or on every channel with `'*'`. Returns the unsubscribe. */
  subscribe(channel: string, listener: MemoryListener): () => void;
}

/** In-process delivery, for tests and an app embedding everything in one process. */
export function createMemoryTransport(): MemoryTransport {
  const listeners = new Map<string, Set<MemoryListener>>();

  const deliver = (message: MemoryMessage) => {
    for (const key of [message.channel, '*']) {
      const set = listeners.get(key);
      if (!set) continue;
      for (const listener of set) listener(message);
    }
  };

  const triggerNow = (channels: string | string[], event: string, data: unknown, options?: TriggerOptions) => {
    const list = typeof channels === 'string' ? [channels] : channels;
    if (list.length === 0) throw new InvalidArgumentError('memory: trigger needs at least one channel');
    for (const channel of list) deliver({ channel, event, data, socketId: options?.socketId });
  };

  return {
    kind: 'memory',
    async trigger(channels, event, data, options) {
      triggerNow(channels, event, data, options);
    },
    async triggerBatch(events: BatchEvent[]) {
      for (const item of events) triggerNow(item.channel, item.name, item.data, { socketId: item.socketId });
    },
    subscribe(channel, listener) {
      let set = listeners.get(channel);
      if (!set) {
        set = new Set();
        listeners.set(channel, set);
      }
      set.add(listener);
      return () => {
        set.delete(listener);
        if (set.size === 0 && listeners.get(channel) === set) listeners.delete(channel);
      };
    },
    async close() {
      listeners.clear();
    },
  };
}
