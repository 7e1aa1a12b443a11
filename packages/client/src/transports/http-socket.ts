import { fetchOf } from '../environment.js';
import type { Transport, TransportCallbacks, TransportEndpoints, TransportEnvironment } from '../transport.js';

/**
 * The HTTP fallback in the wire format of pusher-js's `xhr_streaming` and `xhr_polling`
 * (SockJS-like framing): the client POSTs to `BASE/SERVER/SESSION/xhr_streaming` (or `/xhr`)
 * and reads lines: `o` open, `a["frame",…]` messages, `m"frame"` one message, `h` heartbeat,
 * `c[code,"reason"]` close. Frames go up as `POST BASE/SERVER/SESSION/xhr_send` with a JSON
 * array of frame strings. Streaming keeps one response open; polling asks again after each one.
 */
export type HttpMode = 'streaming' | 'polling';

/** pusher-js restarts a stream whose buffer grew past this, to bound memory. */
const MAX_STREAM_BYTES = 256 * 1024;

let requestCounter = 1;

export function createHttpSocket(
  mode: HttpMode,
  endpoints: TransportEndpoints,
  callbacks: TransportCallbacks,
  environment: TransportEnvironment,
): Transport {
  const streaming = mode === 'streaming';
  const session = `${Math.floor(Math.random() * 1000)}/${Math.random().toString(36).slice(2, 10)}`;
  let base = endpoints.httpBase;
  let state: 'connecting' | 'open' | 'closed' = 'connecting';
  let receive: AbortController | undefined;
  let outbox: string[] = [];
  let sending = false;
  const post = (path: string, body?: string, signal?: AbortSignal) =>
    fetchOf(environment)(`${base}/${session}/${path}t=${Date.now()}&n=${requestCounter++}`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body,
      signal,
    });

  const close = () => {
    state = 'closed';
    receive?.abort();
  };

  const finish = (code: number, reason: string) => {
    if (state === 'closed') return;
    close();
    callbacks.onClose({ code, reason });
  };

  const handleLine = (line: string) => {
    if (!line || state === 'closed') return;
    if (state === 'open') callbacks.onActivity();
    const body = line.slice(1) || 'null';
    try {
      switch (line[0]) {
        case 'o': {
          if (state === 'open') return finish(1006, 'Server lost session');
          const hostname = JSON.parse(body)?.hostname;
          if (hostname) base = base.replace(/^(https?:\/\/)[^/:]+/, `$1${hostname}`);
          state = 'open';
          return callbacks.onOpen();
        }
        case 'm':
        case 'a':
          for (const message of line[0] === 'a' ? (JSON.parse(body) ?? []) : [JSON.parse(body)]) {
            if (state !== 'open') return;
            callbacks.onMessage(typeof message === 'string' ? message : JSON.stringify(message));
          }
          return;
        case 'h':
          // A streaming server wants a sign of life; a send already in flight is one.
          if (streaming && state === 'open' && !sending) send('[]');
          return;
        case 'c': {
          const [code, reason] = JSON.parse(body) ?? [];
          return finish(typeof code === 'number' ? code : 1006, reason ?? 'closed by server');
        }
      }
    } catch {
      finish(1006, `malformed HTTP fallback frame "${line.slice(0, 40)}"`);
    }
  };

  /** Reads lines until the response ends; true when a stream grew too long and should be reopened. */
  const readLines = async (body: ReadableStream<Uint8Array>, controller: AbortController) => {
    const reader = body.getReader();
    const decoder = new TextDecoder();
    let pending = '';
    let received = 0;
    for (;;) {
      const { done, value } = await reader.read();
      if (receive !== controller) return false;
      if (done) {
        handleLine(pending);
        return false;
      }
      received += value.byteLength;
      const lines = (pending + decoder.decode(value, { stream: true })).split('\n');
      pending = lines.pop()!;
      for (const line of lines) handleLine(line);
      if (!pending && received > MAX_STREAM_BYTES) return true;
    }
  };

  const openReceive = async (): Promise<void> => {
    const controller = new AbortController();
    receive = controller;
    let status = 0;
    let again = false;
    try {
      const response = await post(
        `${streaming ? 'xhr_streaming' : 'xhr'}${endpoints.httpQuery}&`,
        undefined,
        controller.signal,
      );
      status = response.status;
      if (status === 200) again = (await readLines(response.body!, controller)) || !streaming;
      else await response.body?.cancel();
    } catch {
      // An aborted or failed request: reported below unless this receive was replaced or closed.
    }
    if (receive !== controller || state === 'closed') return;
    if (!again) return finish(1006, `Connection interrupted (${status})`);
    controller.abort();
    return openReceive();
  };

  /** One send in flight at a time keeps frames in order; whatever queued meanwhile goes in one batch. */
  const send = (payload: string) => {
    sending = true;
    post('xhr_send?', payload)
      .then((response) => {
        void response.body?.cancel();
        if (!response.ok) finish(1006, `send failed (${response.status})`);
      })
      .catch(() => finish(1006, 'send failed'))
      .finally(() => {
        sending = false;
        flush();
      });
  };

  const flush = () => {
    if (sending || state !== 'open' || !outbox.length) return;
    send(JSON.stringify(outbox));
    outbox = [];
  };

  try {
    fetchOf(environment);
    void openReceive();
  } catch (error) {
    setTimeout(() => finish(1006, (error as Error).message));
  }

  return {
    name: streaming ? 'xhr_streaming' : 'xhr_polling',
    send(frame) {
      if (state === 'closed') return;
      outbox.push(frame);
      flush();
    },
    close,
  };
}
