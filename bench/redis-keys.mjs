// The benchmarks' Redis: where it is, and how to leave nothing behind in it.
export const REDIS_URL = 'redis://127.0.0.1:6379';

/** Deletes every key under `prefix` (a benchmark's tasks and relay state would otherwise stay up to a day). */
export async function deleteRedisKeys(prefix) {
  const { Redis } = await import('ioredis');
  const redis = new Redis(REDIS_URL);
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 500);
    if (keys.length > 0) await redis.del(...keys);
    cursor = next;
  } while (cursor !== '0');
  await redis.quit();
}
