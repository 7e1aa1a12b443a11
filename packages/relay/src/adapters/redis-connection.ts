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

export function createCommandConnection(config: RedisAdapterConfig, name: string): ClusterCommands {
  const redis = new Redis(config.url, commandOptions(config, name));
  redis.defineCommand('inloopJoin', { numberOfKeys: 0, lua: JOIN_LUA });
  redis.defineCommand('inloopLeave', { numberOfKeys: 0, lua: LEAVE_LUA });
  redis.defineCommand('inloopCountConnection', { numberOfKeys: 0, lua: COUNT_CONNECTION_LUA });
  redis.defineCommand('inloopSync', { numberOfKeys: 0, lua: SYNC_LUA });
  return redis as ClusterCommands;
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
