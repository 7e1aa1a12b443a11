// biome-ignore lint/suspicious/noExplicitAny: listener tuples are checked at the call sites through the Events map
type Listener = (...args: any[]) => void;

/** A tiny typed event emitter; a throwing listener never stops the others. */
export class Emitter<Events extends { [K in keyof Events]: unknown[] }> {
  readonly #listeners = new Map<keyof Events, Set<Listener>>();

  on<K extends keyof Events>(event: K, listener: (...args: Events[K]) => void): () => void {
    const set = this.#listeners.get(event) ?? new Set();
    this.#listeners.set(event, set.add(listener));
    return () => this.off(event, listener);
  }

  /** Removes one listener, every listener of `event`, or (without arguments) every listener. */
  off<K extends keyof Events>(event?: K, listener?: (...args: Events[K]) => void): void {
    if (event === undefined) this.#listeners.clear();
    else if (listener) this.#listeners.get(event)?.delete(listener);
    else this.#listeners.delete(event);
  }

  emit<K extends keyof Events>(event: K, ...args: Events[K]): void {
    for (const listener of [...(this.#listeners.get(event) ?? [])]) {
      try {
        listener(...args);
      } catch (error) {
        reportListenerError(error);
      }
    }
  }
}

/** A bug in application code must not break the connection; surface it without throwing. */
export function reportListenerError(error: unknown): void {
  setTimeout(() => {
    throw error;
  });
}
