import type { AdapterSubscriber } from './adapter.js';

/** The connections each signed-in user holds on this node, per app: what terminate_connections closes. */
export class UserConnections {
  readonly #byApp = new Map<string, Map<string, Set<AdapterSubscriber>>>();

  add(appId: string, userId: string, subscriber: AdapterSubscriber): void {
    let users = this.#byApp.get(appId);
    if (!users) {
      users = new Map();
      this.#byApp.set(appId, users);
    }
    let connections = users.get(userId);
    if (!connections) {
      connections = new Set();
      users.set(userId, connections);
    }
    connections.add(subscriber);
  }

  remove(appId: string, userId: string, subscriber: AdapterSubscriber): void {
    const users = this.#byApp.get(appId);
    const connections = users?.get(userId);
    if (!connections) return;
    connections.delete(subscriber);
    if (connections.size === 0) users?.delete(userId);
  }

  /** Closes every connection of the user on this node with 4009. */
  terminate(appId: string, userId: string): void {
    for (const subscriber of [...(this.#byApp.get(appId)?.get(userId) ?? [])]) {
      subscriber.close(4009, 'connection terminated by the app');
    }
  }

  clear(): void {
    this.#byApp.clear();
  }
}
