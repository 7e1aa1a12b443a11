import type { EnvironmentEvents } from './options.js';

interface EventSource {
  addEventListener(type: string, listener: () => void): void;
  removeEventListener(type: string, listener: () => void): void;
}

function listen(target: EventSource, type: string, listener: () => void): () => void {
  target.addEventListener(type, listener);
  return () => target.removeEventListener(type, listener);
}

/** `visibilitychange`/`online`/`offline` of the page; null outside a browser. */
export function browserEnvironmentEvents(): EnvironmentEvents | null {
  const scope = globalThis as unknown as {
    window?: EventSource;
    document?: EventSource & { visibilityState?: string };
  };
  const { window, document } = scope;
  if (!window || !document) return null;
  return {
    onVisible: (listener) =>
      listen(document, 'visibilitychange', () => {
        if (document.visibilityState === 'visible') listener();
      }),
    onOnline: (listener) => listen(window, 'online', listener),
    onOffline: (listener) => listen(window, 'offline', listener),
  };
}

/** Calls `listener` when the page comes back into view, or the network comes back after going away. */
export function onGapClosed(events: EnvironmentEvents | null, listener: () => void): () => void {
  if (!events) return () => {};
  let offline = false;
  const stops = [
    events.onVisible(listener),
    events.onOffline(() => {
      offline = true;
    }),
    events.onOnline(() => {
      if (!offline) return;
      offline = false;
      listener();
    }),
  ];
  return () => {
    for (const stop of stops) stop();
  };
}
