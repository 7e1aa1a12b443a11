import { fetchOf } from '../environment.js';
import type {
  Transport,
  TransportCallbacks,
  TransportEndpoints,
  TransportEnvironment,
  TransportName,
} from '../transport.js';

/**
 * The HTTP fallback in the wire format of pusher-js's `xhr_streaming` and `xhr_polling`
 * (SockJS-like framing): the client POSTs to `BASE/SERVER/SESSION/xhr_streaming` (or `/xhr`)
 * and reads lines: `o` open, `a["frame",…]` messages, `m"frame"` one message, `h` heartbeat,
 * `c[code,"reason"]` close. Frames go up as `POST BASE/SERVER/SESSION/xhr_send` with a JSON
 * array of frame strings.
 */
export type HttpMode = 'streaming' | 'polling';

/** pusher-js restarts a stream whose buffer grew past this, to bound memory. */
const MAX_STREAM_BYTES = 256 * 1024;

let requestCounter = 1;

function randomString(length: number): string {
  let result = '';
  for (let i = 0; i < length; i++) result += Math.floor(Math.random() * 32).toString(32);
  return result;
}

function uniqueUrl(url: string): string {
  return `${url}${url.includes('?') ? '&' : '?'}t=${Date.now()}&n=${requestCounter++}`;
}

export function createHttpSocket(
  mode: HttpMode,
  endpoints: TransportEndpoints,
  callbacks: TransportCallbacks,
  environment: TransportEnvironment,
): Transport {
  const name: TransportName = mode === 'streaming' ? 'xhr_streaming' : 'xhr_polling';
  const session = `${Math.floor(Math.random() * 1000)}/${randomString(8)}`;
  let base = endpoints.httpBase;
  let state: 'connecting' | 'open' | 'closed' = 'connecting';
  let receive: AbortController | null = null;
  const outbox: string[] = [];
  let sending = false;
  let doFetch: typeof fetch;
  try {
    doFetch = fetchOf(environment);
  } catch (error) {
    setTimeout(() => finish(1006, (error as Error).message), 0);
    return {
      name,
      send() {},
      close() {
        state = 'closed';
      },
    };
  }

  function receiveUrl(): string {
    return uniqueUrl(`${base}/${session}/${mode === 'streaming' ? 'xhr_streaming' : 'xhr'}${endpoints.httpQuery}`);
  }

  function finish(code: number, reason: string): void {
    if (state === 'closed') return;
    state = 'closed';
    receive?.abort();
    receive = null;
    callbacks.onClose({ code, reason });
  }

  function handleLine(line: string): void {
    if (line.length === 0 || state === 'closed') return;
    if (state === 'open') callbacks.onActivity();
    const type = line[0];
    const body = line.slice(1);
    try {
      switch (type) {
        case 'o': {
          if (state !== 'connecting') {
            finish(1006, 'Server lost session');
            return;
          }
          const options = JSON.parse(body || '{}') as { hostname?: string } | null;
          if (options?.hostname) base = base.replace(/^(https?:\/\/)[^/:]+/, `$1${options.hostname}`);
          state = 'open';
          callbacks.onOpen();
          return;
        }
        case 'a': {
          const messages = JSON.parse(body || '[]') as unknown[];
          for (const message of messages) {
            if (state !== 'open') return;
            callbacks.onMessage(typeof message === 'string' ? message : JSON.stringify(message));
          }
          return;
        }
        case 'm': {
          const message = JSON.parse(body || 'null') as unknown;
          if (state === 'open') callbacks.onMessage(typeof message === 'string' ? message : JSON.stringify(message));
          return;
        }
        case 'h':
          // A streaming server wants a sign of life; a send already in flight is one.
          if (mode === 'streaming' && state === 'open' && !sending) sendRaw('[]');
          return;
        case 'c': {
          const [code, reason] = JSON.parse(body || '[]') as [number?, string?];
          finish(typeof code === 'number' ? code : 1006, typeof reason === 'string' ? reason : 'closed by server');
          return;
        }
      }
    } catch {
      finish(1006, `malformed HTTP fallback frame "${line.slice(0, 40)}"`);
    }
  }

  async function openReceive(): Promise<void> {
    const controller = new AbortController();
    receive = controller;
    let status = 0;
    try {
      const response = await doFetch(receiveUrl(), {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        signal: controller.signal,
      });
      status = response.status;
      if (status !== 200) {
        await response.body?.cancel().catch(() => {});
      } else if (mode === 'polling' || !response.body) {
        for (const line of (await response.text()).split('\n')) handleLine(line);
      } else {
        const restart = await readStream(response.body, controller);
        if (restart && receive === controller && state !== 'closed') {
          controller.abort();
          return void openReceive();
        }
      }
    } catch {
      status = status || 0;
    }
    if (receive !== controller || state === 'closed') return;
    if (mode === 'polling' && status === 200) return void openReceive();
    finish(1006, `Connection interrupted (${status})`);
  }

  /** Reads lines until the stream ends; true when it should be reopened because it grew too long. */
  async function readStream(body: ReadableStream<Uint8Array>, controller: AbortController): Promise<boolean> {
    const reader = body.getReader();
    const decoder = new TextDecoder();
    let pending = '';
    let received = 0;
    for (;;) {
      const { done, value } = await reader.read();
      if (done || receive !== controller || state === 'closed') return false;
      received += value.byteLength;
      pending += decoder.decode(value, { stream: true });
      let newline = pending.indexOf('\n');
      while (newline !== -1) {
        handleLine(pending.slice(0, newline));
        pending = pending.slice(newline + 1);
        newline = pending.indexOf('\n');
      }
      if (pending.length === 0 && received > MAX_STREAM_BYTES) return true;
    }
  }

  function sendRaw(payload: string): void {
    doFetch(uniqueUrl(`${base}/${session}/xhr_send`), {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: payload,
    })
      .then((response) => {
        void response.body?.cancel().catch(() => {});
        if (!response.ok) finish(1006, `send failed (${response.status})`);
      })
      .catch(() => finish(1006, 'send failed'))
      .finally(() => {
        sending = false;
        flush();
      });
    sending = true;
  }

  /** One send in flight at a time keeps frames in order; whatever queued meanwhile goes in one batch. */
  function flush(): void {
    if (sending || state !== 'open' || outbox.length === 0) return;
    sendRaw(JSON.stringify(outbox.splice(0)));
  }

  void openReceive();

  return {
    name,
    send(frame) {
      if (state === 'closed') return;
      outbox.push(frame);
      flush();
    },
    close() {
      if (state === 'closed') return;
      state = 'closed';
      receive?.abort();
      receive = null;
    },
  };
}
