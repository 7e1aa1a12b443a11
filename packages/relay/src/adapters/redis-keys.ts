/**
 * Every Redis key and pub/sub channel of one cluster, under its prefix.
 *
 * Aggregates (`subs`, `pres`, `pinfo`, `conns`) hold the sum over all nodes, so queries are one
 * read. Each node also keeps its own contribution (`n:<node>:*`) so that a dead node's share can
 * be taken out of the aggregates by whichever node notices first (see redis-scripts.ts).
 * Channel names cannot contain `:`, so `<app>:<channel>` stays unambiguous.
 */
export class RedisKeys {
  constructor(readonly prefix: string) {}

  /** The pub/sub channel every node listens on. */
  get bus(): string {
    return `${this.prefix}:bus`;
  }

  /** Set of node ids that announced themselves. */
  get nodes(): string {
    return `${this.prefix}:nodes`;
  }

  /** Exists (with a TTL) while the node is alive. */
  node(nodeId: string): string {
    return `${this.prefix}:node:${nodeId}`;
  }

  /** Hash channel → subscriptions on all nodes. */
  subscriptions(appId: string): string {
    return `${this.prefix}:subs:${appId}`;
  }

  /** Hash userId → connections of that user subscribed to the presence channel, on all nodes. */
  presence(appId: string, channel: string): string {
    return `${this.prefix}:pres:${appId}:${channel}`;
  }

  /** Hash userId → the member's user_info as JSON. */
  presenceInfo(appId: string, channel: string): string {
    return `${this.prefix}:pinfo:${appId}:${channel}`;
  }

  /** Hash appId → open connections on all nodes. */
  get connections(): string {
    return `${this.prefix}:conns`;
  }

  /** A node's own share: hashes of subscriptions, presence connections and connections. */
  nodeShare(nodeId: string, kind: 'subs' | 'pres' | 'conns'): string {
    return `${this.prefix}:n:${nodeId}:${kind}`;
  }

  cache(appId: string, channel: string): string {
    return `${this.prefix}:cache:${appId}:${channel}`;
  }
}

/** Field of a node's own subscription hash (decoded by the Lua scripts with cjson). */
export function subscriptionField(appId: string, channel: string): string {
  return JSON.stringify([appId, channel]);
}

/** Field of a node's own presence hash. */
export function presenceField(appId: string, channel: string, userId: string): string {
  return JSON.stringify([appId, channel, userId]);
}
