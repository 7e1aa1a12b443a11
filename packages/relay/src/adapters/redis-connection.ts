import { Redis, type RedisOptions } from 'ioredis';
import type { RedisAdapterConfig } from './adapter-config.js';
import { COUNT_CONNECTION_LUA, JOIN_LUA, LEAVE_LUA, SYNC_LUA } from './redis-scripts.js';

type Arg = string | number;

/** The cluster scripts, callable on the command connection (EVALSHA, with EVAL on a cache miss). */
export interface ClusterCommands extends Redis {
  inloopJoin(...args: Arg[]): Promise<[number, number, string[]]>;
  inloopLeave(...args: Arg[]): Promise<[number, number]>;
  inloopCountConnection(...args: Arg[]): Promise<number>;
  inloopSync(...args: Arg[]): Promise<string>;
}

function retryDelayMs(attempt: number): number {
  return Math.min(50 * 2 ** Math.min(attempt, 6), 2000);
}

/**
 * Commands fail at once while Redis is unreachable (no offline queue, no resend): the relay
 * answers from this node's state meanwhile and resynchronises when the connection is back.
 */
function commandOptions(config: RedisAdapterConfig, name: string): RedisOptions {
  return {
    lazyConnect: true,
    enableOfflineQueue: false,
    autoResendUnfulfilledCommands: false,
    maxRetriesPerRequest: 0,
    commandTimeout: config.commandTimeoutMs,
    connectionName: name,
    retryStrategy: retryDelayMs,
  };
}

const SCRIPTS = {
  inloopJoin: JOIN_LUA,
  inloopLeave: LEAVE_LUA,
  inloopCountConnection: COUNT_CONNECTION_LUA,
  inloopSync: SYNC_LUA,
};

export function createCommandConnection(config: RedisAdapterConfig, name: string): ClusterCommands {
  const redis = new Redis(config.url, commandOptions(config, name));
  for (const [command, lua] of Object.entries(SCRIPTS)) redis.defineCommand(command, { numberOfKeys: 0, lua });
  return redis as ClusterCommands;
}

/**
 * Loads the scripts into Redis (after connecting, and after every reconnect: a restarted Redis
 * has forgotten them). Otherwise a script's first call fails with NOSCRIPT and ioredis sends it
 * again as EVAL, after commands issued later: a join could then land after its own leave.
 */
export async function loadScripts(redis: Redis): Promise<void> {
  await Promise.all(Object.values(SCRIPTS).map((lua) => redis.script('LOAD', lua)));
}

/** The pub/sub connection; ioredis subscribes again by itself after a reconnect. */
export function createSubscriberConnection(config: RedisAdapterConfig, name: string): Redis {
  return new Redis(config.url, {
    lazyConnect: true,
    autoResubscribe: true,
    maxRetriesPerRequest: null,
    connectionName: name,
    retryStrategy: retryDelayMs,
  });
}
