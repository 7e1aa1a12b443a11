import type { FastifyBaseLogger } from 'fastify';
import type { Adapter } from '../adapter.js';
import { LocalAdapter } from '../local-adapter.js';
import type { AdapterConfig } from './adapter-config.js';
import { createRedisAdapter } from './redis-adapter.js';

/** The adapter the configuration names; a Redis adapter is connected before it is returned. */
export async function createAdapter(config: AdapterConfig, logger: FastifyBaseLogger): Promise<Adapter> {
  if (config.driver === 'redis') return createRedisAdapter(config, logger);
  return new LocalAdapter();
}

/** True for an adapter instance (as opposed to an adapter configuration). */
export function isAdapter(value: unknown): value is Adapter {
  return typeof (value as Adapter | undefined)?.publish === 'function';
}
