/**
 * Lua scripts of the Redis store; each runs atomically. A task is one hash:
 * snapshot (JSON), snapseq (the snapshot's seq), seq (last seq handed out), owner, cancel, done.
 * A finished task (done) keeps the expiry it got when it finished; others get the active TTL on each change.
 */

/** KEYS[1] hash; ARGV field, value, activeTtlMs. */
export const SET_FIELD = `
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
if redis.call('HEXISTS', KEYS[1], 'done') == 0 then redis.call('PEXPIRE', KEYS[1], ARGV[3]) end
return 1`;

/** KEYS[1] hash; ARGV activeTtlMs. Never below the stored snapshot's seq. */
export const NEXT_SEQ = `
local seq = redis.call('HINCRBY', KEYS[1], 'seq', 1)
local snap = tonumber(redis.call('HGET', KEYS[1], 'snapseq') or '0')
if seq <= snap then
  seq = snap + 1
  redis.call('HSET', KEYS[1], 'seq', seq)
end
if redis.call('HEXISTS', KEYS[1], 'done') == 0 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
return seq`;

/**
 * Compare-and-set of the snapshot. KEYS[1] hash; ARGV expected snapseq ('0' for none), snapshot JSON,
 * its seq, ttlMs, '1' when the snapshot is terminal. Returns 0 when another writer got there first.
 */
export const APPLY_SNAPSHOT = `
local current = redis.call('HGET', KEYS[1], 'snapseq') or '0'
if current ~= ARGV[1] then return 0 end
redis.call('HSET', KEYS[1], 'snapshot', ARGV[2], 'snapseq', ARGV[3])
if ARGV[5] == '1' then redis.call('HSET', KEYS[1], 'done', '1') end
redis.call('PEXPIRE', KEYS[1], ARGV[4])
return 1`;
