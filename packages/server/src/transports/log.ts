import type { Logger } from '../logger.js';
import type { BatchEvent, Transport } from './transport.js';

/** Writes each event to the log instead of sending it: for development and dry runs. */
export function createLogTransport(logger: Logger, level: 'debug' | 'info' | 'warn' = 'info'): Transport {
  const write = (channel: string | string[], event: string, data: unknown, socketId?: string) =>
    logger[level]({ transport: 'log', channel, event, data, ...(socketId ? { socketId } : {}) }, 'inloop event');
  return {
    kind: 'log',
    async trigger(channels, event, data, options) {
      write(channels, event, data, options?.socketId);
    },
    async triggerBatch(events: BatchEvent[]) {
      for (const item of events) write(item.channel, item.name, item.data, item.socketId);
    },
    async close() {},
  };
}
