// biome-ignore lint/suspicious/noExplicitAny: listener tuples are checked at the call sites through the Events map
type Listener = (...args: any[]) => void;

/** A tiny typed event emitter; a throwing listener never stops the others. */
export class Emitter<Events extends { [K in keyof Events]: unknown[] }> {
  private readonly listeners = new Map<keyof Events, Set<Listener>>();

  on<K extends keyof Events>(event: K, listener: (...args: Events[K]) => void): () => void {
    let set = this.listeners.get(event);
    if (!set) {
      set = new Set();
      this.listeners.set(event, set);
    }
    set.add(listener);
    return () => this.off(event, listener);
  }

  off<K extends keyof Events>(event: K, listener?: (...args: Events[K]) => void): void {
    if (!listener) this.listeners.delete(event);
    else this.listeners.get(event)?.delete(listener);
  }

  emit<K extends keyof Events>(event: K, ...args: Events[K]): void {
    const set = this.listeners.get(event);
    if (!set) return;
    for (const listener of [...set]) {
      try {
        listener(...args);
      } catch (error) {
        reportListenerError(error);
      }
    }
  }

  removeAll(): void {
    this.listeners.clear();
  }
}

/** A bug in application code must not break the connection; surface it without throwing. */
export function reportListenerError(error: unknown): void {
  setTimeout(() => {
    throw error;
  }, 0);
}
