import type { RelayOptions } from '../../src/index.js';
import { type RunningRelay, startRelay } from '../helpers.js';
import { REDIS_URL } from './redis-keys.js';

export interface NodeTimings {
  heartbeatMs?: number;
  nodeExpiryMs?: number;
  commandTimeoutMs?: number;
}

/** A relay in this process, in the cluster of `prefix` (through `redisUrl`, e.g. a proxy). */
export function startNode(
  prefix: string,
  options: Partial<RelayOptions> & NodeTimings & { redisUrl?: string } = {},
): Promise<RunningRelay> {
  const { heartbeatMs, nodeExpiryMs, commandTimeoutMs, redisUrl, ...rest } = options;
  return startRelay({
    adapter: {
      driver: 'redis',
      url: redisUrl ?? REDIS_URL,
      prefix,
      ...(heartbeatMs === undefined ? {} : { heartbeatMs }),
      ...(nodeExpiryMs === undefined ? {} : { nodeExpiryMs }),
      commandTimeoutMs: commandTimeoutMs ?? 3000,
    },
    ...rest,
  });
}

/** Polls `check` until it returns true (a safety-net timeout comes from the test). */
export async function until(check: () => boolean | Promise<boolean>, everyMs = 25): Promise<void> {
  while (!(await check())) await new Promise((resolve) => setTimeout(resolve, everyMs));
}
