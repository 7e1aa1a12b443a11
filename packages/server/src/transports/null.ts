import type { Transport } from './transport.js';

/** Drops every event: for apps that want the task store and endpoints without realtime delivery. */
export function createNullTransport(): Transport {
  return {
    kind: 'null',
    async trigger() {},
    async triggerBatch() {},
    async close() {},
  };
}
