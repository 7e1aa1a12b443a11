import { hostname } from 'node:os';
import { frames } from '@inloop/protocol';
import type { FastifyBaseLogger } from 'fastify';
import type { NodeState } from './node-state.js';
import type { RedisLink } from './redis-link.js';
import { parseInfo } from './redis-queries.js';
import { parseSyncChanges, type SyncChanges } from './redis-scripts.js';

type SyncMode = 'replace' | 'reap' | 'leave';

/**
 * Writes a node's whole share of the cluster state at once (see SYNC_LUA): this node's after
 * Redis came back (`resync`), a dead node's removal (`reap`), this node's goodbye (`leave`).
 * The node that ran a sync announces its net effect: member_added / member_removed frames to
 * every node's subscribers, and channel events to the webhooks.
 */
export class ClusterSync {
  readonly nodeInfo = JSON.stringify({ host: hostname(), pid: process.pid, startedAt: Date.now() });

  constructor(
    private readonly link: RedisLink,
    private readonly state: NodeState,
    private readonly publish: (appId: string, channel: string, frame: string) => void,
    private readonly logger: FastifyBaseLogger,
  ) {}

  /** Writes this node's whole share again (and renews its liveness key). */
  async resync(): Promise<void> {
    this.link.needsResync = false;
    try {
      const changes = await this.#sync(this.link.nodeId, 'replace', JSON.stringify(this.state.snapshot()));
      this.#announce(changes, 'replace');
    } catch (error) {
      this.link.needsResync = true;
      throw error;
    }
  }

  /** Removes the share of a node whose liveness key expired, unless it came back meanwhile. */
  async reap(nodeId: string): Promise<void> {
    const changes = await this.#sync(nodeId, 'reap', '{}');
    if (changes.alive) return;
    this.logger.warn(
      { node: nodeId, membersRemoved: changes.removed.length, channelsVacated: changes.vacated.length },
      'a relay node stopped sending heartbeats; removed its connections from the cluster',
    );
    this.#announce(changes, 'reap');
  }

  /** This node leaves the cluster (shutdown). */
  async leave(): Promise<void> {
    this.#announce(await this.#sync(this.link.nodeId, 'leave', '{}'), 'leave');
  }

  async #sync(nodeId: string, mode: SyncMode, state: string): Promise<SyncChanges> {
    const { prefix, nodeExpiryMs } = this.link.config;
    const json = await this.link.timed(
      `sync_${mode}`,
      this.link.commands.inloopSync(prefix, nodeId, mode, nodeExpiryMs, this.nodeInfo, state),
    );
    return parseSyncChanges(json);
  }

  #announce(changes: SyncChanges, mode: SyncMode): void {
    const sink = this.link.hooks?.channelEvents;
    for (const [appId, channel] of changes.occupied) sink?.emit(appId, { name: 'channel_occupied', channel });
    for (const [appId, channel, userId, info] of changes.added) {
      this.publish(appId, channel, frames.memberAdded(channel, userId, parseInfo(info)));
      sink?.emit(appId, { name: 'member_added', channel, user_id: userId });
    }
    for (const [appId, channel, userId] of changes.removed) {
      this.publish(appId, channel, frames.memberRemoved(channel, userId));
      sink?.emit(appId, { name: 'member_removed', channel, user_id: userId });
    }
    for (const [appId, channel] of changes.vacated) sink?.emit(appId, { name: 'channel_vacated', channel });
    if (mode === 'replace' && changes.removed.length + changes.added.length > 0) {
      this.logger.info(
        { added: changes.added.length, removed: changes.removed.length },
        'presence changed while this node was away from the cluster',
      );
    }
  }
}
