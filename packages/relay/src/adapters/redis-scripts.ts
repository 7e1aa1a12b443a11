/**
 * Lua scripts that keep the cluster's aggregates and each node's share of them in step,
 * atomically. Key names are built inside the scripts from the prefix (one Redis server, not
 * Redis Cluster); they must match redis-keys.ts.
 */

const KEYS_LUA = `
local p, node = ARGV[1], ARGV[2]
local function subsKey(app) return p .. ':subs:' .. app end
local function presKey(app, ch) return p .. ':pres:' .. app .. ':' .. ch end
local function infoKey(app, ch) return p .. ':pinfo:' .. app .. ':' .. ch end
local function shareKey(kind) return p .. ':n:' .. node .. ':' .. kind end
local function add(key, field, delta)
  local value = redis.call('HINCRBY', key, field, delta)
  if value <= 0 then redis.call('HDEL', key, field) end
  return value
end
`;

/**
 * join: ARGV prefix, node, app, channel, subscriptionField, userId ('' if none), presenceField, infoJson.
 * Returns { subscriptions on all nodes, connections of the user (0 without one), flat pinfo hash }.
 */
export const JOIN_LUA = `${KEYS_LUA}
local app, ch, subField, user, presField, info = ARGV[3], ARGV[4], ARGV[5], ARGV[6], ARGV[7], ARGV[8]
local total = redis.call('HINCRBY', subsKey(app), ch, 1)
redis.call('HINCRBY', shareKey('subs'), subField, 1)
if user == '' then return { total, 0, {} } end
local count = redis.call('HINCRBY', presKey(app, ch), user, 1)
redis.call('HINCRBY', shareKey('pres'), presField, 1)
redis.call('HSETNX', infoKey(app, ch), user, info)
return { total, count, redis.call('HGETALL', infoKey(app, ch)) }
`;

/**
 * leave: same ARGV as join without infoJson. Only takes from the aggregates what this node's
 * share holds, so a leave after the node's share was reaped cannot steal another node's count.
 * Returns { subscriptions left on all nodes, connections of the user left }.
 */
export const LEAVE_LUA = `${KEYS_LUA}
local app, ch, subField, user, presField = ARGV[3], ARGV[4], ARGV[5], ARGV[6], ARGV[7]
local total = tonumber(redis.call('HGET', subsKey(app), ch) or '0')
if add(shareKey('subs'), subField, -1) >= 0 then total = add(subsKey(app), ch, -1) end
if user == '' then return { math.max(total, 0), 0 } end
local count = tonumber(redis.call('HGET', presKey(app, ch), user) or '0')
if add(shareKey('pres'), presField, -1) >= 0 then count = add(presKey(app, ch), user, -1) end
if count <= 0 then redis.call('HDEL', infoKey(app, ch), user) end
return { math.max(total, 0), math.max(count, 0) }
`;

/** count: ARGV prefix, node, app, delta. Returns the app's connections on all nodes. */
export const COUNT_CONNECTION_LUA = `${KEYS_LUA}
local app, delta = ARGV[3], tonumber(ARGV[4])
local total = tonumber(redis.call('HGET', p .. ':conns', app) or '0')
if add(shareKey('conns'), app, delta) >= 0 or delta > 0 then total = add(p .. ':conns', app, delta) end
return math.max(total, 0)
`;

/**
 * sync: replaces a node's whole share of the aggregates.
 * ARGV prefix, node, mode, ttlMs, nodeInfo, stateJson.
 * - mode 'replace': the node's share becomes stateJson (after a Redis outage, or when the node
 *   finds it was taken for dead); also renews its liveness key.
 * - mode 'reap': a dead node's share is removed, unless its liveness key exists again.
 * - mode 'leave': a node that shuts down removes its own share.
 * stateJson: { subs: [[field, app, ch, n]], pres: [[field, app, ch, user, n, infoJson]], conns: [[app, n]] }.
 * Returns JSON of the net changes: channels occupied / vacated, members added / removed.
 */
export const SYNC_LUA = `${KEYS_LUA}
local mode, ttl, nodeInfo = ARGV[3], tonumber(ARGV[4]), ARGV[5]
local nodeKey = p .. ':node:' .. node
if mode == 'reap' and redis.call('EXISTS', nodeKey) == 1 then return '{"alive":true}' end
-- Decoded before any write: a script that fails half-way is not rolled back.
local state = mode == 'replace' and cjson.decode(ARGV[6]) or nil
local channels, members = {}, {}
local function channel(app, ch)
  local k = app .. '\\0' .. ch
  if not channels[k] then channels[k] = { app, ch, tonumber(redis.call('HGET', subsKey(app), ch) or '0') } end
end
local function member(app, ch, user)
  local k = app .. '\\0' .. ch .. '\\0' .. user
  if not members[k] then members[k] = { app, ch, user, tonumber(redis.call('HGET', presKey(app, ch), user) or '0') } end
end
local old = redis.call('HGETALL', shareKey('subs'))
for i = 1, #old, 2 do
  local f = cjson.decode(old[i])
  channel(f[1], f[2])
  add(subsKey(f[1]), f[2], -tonumber(old[i + 1]))
end
old = redis.call('HGETALL', shareKey('pres'))
for i = 1, #old, 2 do
  local f = cjson.decode(old[i])
  member(f[1], f[2], f[3])
  if add(presKey(f[1], f[2]), f[3], -tonumber(old[i + 1])) <= 0 then redis.call('HDEL', infoKey(f[1], f[2]), f[3]) end
end
old = redis.call('HGETALL', shareKey('conns'))
for i = 1, #old, 2 do add(p .. ':conns', old[i], -tonumber(old[i + 1])) end
redis.call('DEL', shareKey('subs'), shareKey('pres'), shareKey('conns'))
if state then
  for _, e in ipairs(state.subs) do
    channel(e[2], e[3])
    add(subsKey(e[2]), e[3], e[4])
    redis.call('HSET', shareKey('subs'), e[1], e[4])
  end
  for _, e in ipairs(state.pres) do
    member(e[2], e[3], e[4])
    add(presKey(e[2], e[3]), e[4], e[5])
    redis.call('HSETNX', infoKey(e[2], e[3]), e[4], e[6])
    redis.call('HSET', shareKey('pres'), e[1], e[5])
  end
  for _, e in ipairs(state.conns) do
    add(p .. ':conns', e[1], e[2])
    redis.call('HSET', shareKey('conns'), e[1], e[2])
  end
  redis.call('SET', nodeKey, nodeInfo, 'PX', ttl)
  redis.call('SADD', p .. ':nodes', node)
else
  redis.call('DEL', nodeKey)
  redis.call('SREM', p .. ':nodes', node)
end
local out = { occupied = {}, vacated = {}, added = {}, removed = {} }
for _, c in pairs(channels) do
  local now = tonumber(redis.call('HGET', subsKey(c[1]), c[2]) or '0')
  if c[3] > 0 and now <= 0 then table.insert(out.vacated, { c[1], c[2] }) end
  if c[3] <= 0 and now > 0 then table.insert(out.occupied, { c[1], c[2] }) end
end
for _, m in pairs(members) do
  local now = tonumber(redis.call('HGET', presKey(m[1], m[2]), m[3]) or '0')
  if m[4] > 0 and now <= 0 then table.insert(out.removed, { m[1], m[2], m[3] }) end
  if m[4] <= 0 and now > 0 then
    table.insert(out.added, { m[1], m[2], m[3], redis.call('HGET', infoKey(m[1], m[2]), m[3]) or 'null' })
  end
end
return cjson.encode(out)
`;

/** The net effect of a sync on the cluster, as [appId, channel(, userId(, infoJson))] tuples. */
export interface SyncChanges {
  occupied: Array<[string, string]>;
  vacated: Array<[string, string]>;
  added: Array<[string, string, string, string]>;
  removed: Array<[string, string, string]>;
  /** Reap only: the node was alive after all, nothing changed. */
  alive?: boolean;
}

/** cjson encodes an empty table as `{}`: read every list defensively. */
export function parseSyncChanges(json: string): SyncChanges {
  const raw = JSON.parse(json) as Record<string, unknown>;
  const list = <T>(value: unknown): T[] => (Array.isArray(value) ? (value as T[]) : []);
  return {
    occupied: list(raw.occupied),
    vacated: list(raw.vacated),
    added: list(raw.added),
    removed: list(raw.removed),
    alive: raw.alive === true,
  };
}
