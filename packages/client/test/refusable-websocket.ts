import WebSocket from 'ws';
import type { WebSocketConstructor, WebSocketLike } from '../src/transport.js';

/**
 * The `ws` WebSocket behind a switch: while `refuse.on` is true every socket closes before it
 * opens, as when a proxy blocks websockets. With `dropAfterOpen` it opens and then drops before
 * the Pusher handshake arrives, as a proxy that accepts the upgrade but kills the stream.
 */
export function refusableWebSocket(mode: 'refuse' | 'dropAfterOpen' = 'refuse'): {
  WebSocket: WebSocketConstructor;
  refuse: { on: boolean };
  opened: number;
} {
  const state = { refuse: { on: true }, opened: 0, WebSocket: undefined as unknown as WebSocketConstructor };
  class Refusable {
    readyState = 0;
    onopen: WebSocketLike['onopen'] = null;
    onmessage: WebSocketLike['onmessage'] = null;
    onclose: WebSocketLike['onclose'] = null;
    onerror: WebSocketLike['onerror'] = null;
    private inner: WebSocket | null = null;

    constructor(url: string) {
      if (state.refuse.on && mode === 'refuse') {
        setTimeout(() => {
          this.readyState = 3;
          this.onerror?.({});
          this.onclose?.({ code: 1006, reason: 'refused by test proxy' });
        }, 0);
        return;
      }
      state.opened++;
      const inner = new WebSocket(url);
      this.inner = inner;
      const dropping = state.refuse.on;
      inner.onopen = () => {
        this.readyState = 1;
        this.onopen?.({});
        if (dropping) inner.terminate();
      };
      inner.onmessage = (event) => {
        if (!dropping) this.onmessage?.({ data: event.data });
      };
      inner.onerror = (event) => this.onerror?.(event);
      inner.onclose = (event) => {
        this.readyState = 3;
        this.onclose?.({ code: event.code, reason: event.reason });
      };
    }

    send(data: string): void {
      this.inner?.send(data);
    }

    close(code?: number, reason?: string): void {
      this.inner?.close(code, reason);
    }
  }
  state.WebSocket = Refusable as unknown as WebSocketConstructor;
  return state;
}
