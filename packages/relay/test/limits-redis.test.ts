import { randomUUID } from 'node:crypto';
import { signRequest } from '@inloop/protocol/signing';
import { Redis } from 'ioredis';
import { afterEach, describe, expect, it } from 'vitest';
import { RedisAppRateLimiter } from '../src/index.js';
import { APP, type RunningRelay, startRelay } from './helpers.js';

const connections: Redis[] = [];
const relays: RunningRelay[] = [];

function redis(url = 'redis://127.0.0.1:6379'): Redis {
  const connection = new Redis(url, { maxRetriesPerRequest: 0, enableOfflineQueue: false, lazyConnect: true });
  connections.push(connection);
  return connection;
}

afterEach(async () => {
  for (const running of relays.splice(0)) await running.close();
  for (const connection of connections.splice(0)) connection.disconnect();
});

async function trigger(running: RunningRelay, channel: string): Promise<number> {
  const path = `/apps/${APP.id}/events`;
  const body = JSON.stringify({ name: 'e', channels: [channel], data: '{}' });
  const query = signRequest({ key: APP.key, secret: APP.secret, method: 'POST', path, body });
  const response = await fetch(`http://127.0.0.1:${running.port}${path}?${new URLSearchParams(query)}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body,
  });
  await response.arrayBuffer();
  return response.status;
}

describe('per-app rates counted in Redis', () => {
  it('two relays with their own Redis connections share one budget per app and second', async () => {
    let now = 1_700_000_000_000;
    const prefix = `inloop-test-limits-${randomUUID()}`;
    const nodes: RunningRelay[] = [];
    for (let n = 0; n < 2; n++) {
      const connection = redis();
      await connection.connect();
      const running = await startRelay({
        apps: [{ ...APP, limits: { maxBackendEventsPerSecond: 3 } }],
        rateLimiter: new RedisAppRateLimiter({ redis: connection, prefix, now: () => now }),
      });
      relays.push(running);
      nodes.push(running);
    }
    const [a, b] = nodes as [RunningRelay, RunningRelay];
    expect(await trigger(a, 'one')).toBe(200);
    expect(await trigger(b, 'two')).toBe(200);
    expect(await trigger(a, 'three')).toBe(200);
    expect(await trigger(b, 'four')).toBe(429);
    expect(await trigger(a, 'four')).toBe(429);
    now += 1000;
    expect(await trigger(b, 'four')).toBe(200);
  });

  it('relays on the redis adapter count their rates in Redis without further setup', async () => {
    const prefix = `inloop-test-limits-${randomUUID()}`;
    const nodes: RunningRelay[] = [];
    for (let n = 0; n < 2; n++) {
      const running = await startRelay({
        adapter: { driver: 'redis', prefix },
        apps: [{ ...APP, limits: { maxBackendEventsPerSecond: 1 } }],
      });
      relays.push(running);
      nodes.push(running);
    }
    const [a, b] = nodes as [RunningRelay, RunningRelay];
    // The budget is per wall-clock second: try again if the pair straddled a second boundary.
    for (;;) {
      const second = Math.floor(Date.now() / 1000);
      const statuses = [await trigger(a, 'one'), await trigger(b, 'two')];
      if (Math.floor(Date.now() / 1000) !== second) continue;
      expect(statuses).toEqual([200, 429]);
      break;
    }
  });

  it('spends nothing on a refused take, so a smaller one still fits', async () => {
    const connection = redis();
    await connection.connect();
    const limiter = new RedisAppRateLimiter({
      redis: connection,
      prefix: `inloop-test-limits-${randomUUID()}`,
      now: () => 1_700_000_000_000,
    });
    expect(await limiter.take('app', 'api-reads', 2, 3)).toBe(true);
    expect(await limiter.take('app', 'api-reads', 2, 3)).toBe(false);
    expect(await limiter.take('app', 'api-reads', 1, 3)).toBe(true);
    expect(await limiter.take('app', 'api-reads', 4, 3)).toBe(false);
  });

  it('lets requests through when Redis cannot answer, rather than failing the API', async () => {
    const unreachable = redis('redis://127.0.0.1:1');
    const warnings: string[] = [];
    const logger = { warn: (_context: unknown, message: string) => warnings.push(message) };
    const limiter = new RedisAppRateLimiter({
      redis: unreachable,
      prefix: 'inloop-test-limits-unreachable',
      logger: logger as never,
    });
    expect(await limiter.take('app', 'backend-events', 1, 1)).toBe(true);
    expect(await limiter.take('app', 'backend-events', 1, 1)).toBe(true);
    expect(warnings).toEqual(['rate limit not checked: Redis did not answer']);
  });
});
