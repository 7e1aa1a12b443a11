import type { Redis } from 'ioredis';
import type { RedisKeys } from './redis-keys.js';

export interface HeartbeatHooks {
  /** This node's liveness key was gone (Redis lost it, or other nodes took this node for dead). */
  onOwnKeyMissing(): Promise<void>;
  /** Another node stopped renewing its key: remove its share. */
  reap(nodeId: string): Promise<void>;
  /** Runs on every beat after the checks (e.g. refresh cached counts). */
  onBeat(): Promise<void>;
  onError(error: unknown): void;
}

/**
 * Every `intervalMs` a node renews its liveness key (TTL `expiryMs`) and looks for nodes whose
 * key expired: those died without saying goodbye, and their members are removed within about
 * `expiryMs + intervalMs`.
 */
export class NodeHeartbeat {
  #timer: NodeJS.Timeout | undefined;
  #beating: Promise<void> | undefined;

  constructor(
    private readonly redis: Redis,
    private readonly keys: RedisKeys,
    private readonly nodeId: string,
    private readonly nodeInfo: string,
    private readonly intervalMs: number,
    private readonly expiryMs: number,
    private readonly hooks: HeartbeatHooks,
  ) {}

  start(): void {
    this.#timer = setInterval(() => {
      this.#beating ??= this.beat()
        .catch((error: unknown) => this.hooks.onError(error))
        .finally(() => {
          this.#beating = undefined;
        });
    }, this.intervalMs);
    this.#timer.unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.#timer);
    await this.#beating;
  }

  async beat(): Promise<void> {
    const renewed = await this.redis.set(this.keys.node(this.nodeId), this.nodeInfo, 'PX', this.expiryMs, 'XX');
    if (renewed === null) await this.hooks.onOwnKeyMissing();
    const nodes = (await this.redis.smembers(this.keys.nodes)).filter((id) => id !== this.nodeId);
    if (nodes.length > 0) {
      const alive = await Promise.all(nodes.map((id) => this.redis.exists(this.keys.node(id))));
      for (const [index, id] of nodes.entries()) {
        if (alive[index] === 0) await this.hooks.reap(id);
      }
    }
    await this.hooks.onBeat();
  }
}
