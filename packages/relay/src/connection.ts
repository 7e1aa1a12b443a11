/**
 * The transport-agnostic connection contract of the relay.
 *
 * A websocket and an HTTP fallback session (pusher-js `xhr_streaming` / `xhr_polling`)
 * look the same to the channel logic: both carry Pusher protocol 7 frames as strings.
 * A transport attaches to the relay in five steps:
 *
 * 1. Admit: `const admission = core.admit(key, query)` where `query` is the request's
 *    query parameters (`protocol`, `client`, `version`). It checks that the app exists
 *    and is enabled, the protocol version, the app's connection quota and the relay's
 *    capacity. When `admission.ok` is false, refuse the client with
 *    `admission.closeCode` / `admission.reason` (a websocket is closed with that code;
 *    an HTTP transport sends the same close in its own framing).
 * 2. Wrap the transport in a {@link ClientSocket}: `send(frame)` delivers one encoded
 *    frame (a JSON string, already complete: never re-encode it), `close(code, reason)`
 *    ends the transport with a Pusher close code.
 * 3. Open: `const connection = core.openConnection(admission.app, clientSocket)`. The
 *    relay sends `pusher:connection_established` through `clientSocket.send` at once.
 * 4. For every frame the client sends: `connection.handleFrame(text)`. It never throws;
 *    bad frames get a `pusher:error` frame and the connection keeps going.
 * 5. When the transport is gone for any reason (client left, idle session expired, or
 *    after the relay called `clientSocket.close`): `connection.handleClose()`. It is
 *    idempotent; it leaves every channel (presence members are removed) and frees the
 *    quota slot.
 *
 * The relay calls `clientSocket.close(code, reason)` when it wants a connection gone:
 * 4201 pong not received, 4202 inactive, 4200 shutdown, 4009 terminated by the app.
 * Activity (ping/pong) is tracked by the relay from the frames passed to
 * `handleFrame`, so a transport needs no timers of its own for it.
 */
import type { AppConfig } from './config-schema.js';

/** One client's transport, as the relay sees it. */
export interface ClientSocket {
  /** Delivers one encoded frame. Must not throw; drop the frame if the transport is gone. */
  send(frame: string): void;
  /** Ends the transport with a Pusher close code (4000–4399) or 1000. The transport then calls handleClose(). */
  close(code: number, reason: string): void;
  /** A short name for logs and metrics, e.g. `ws`, `xhr_streaming`, `xhr_polling`. */
  readonly transport: string;
}

/** What a transport holds for each open connection. */
export interface ConnectionHandle {
  readonly socketId: string;
  readonly app: AppConfig;
  /** Handles one raw frame the client sent. Never throws. */
  handleFrame(raw: string): void;
  /** The transport is gone. Idempotent. */
  handleClose(): void;
}

export type Admission =
  | { ok: true; app: AppConfig }
  | { ok: false; closeCode: number; reason: string; app?: AppConfig };

/** The part of the relay a transport needs. `Relay.core` is one. */
export interface RelayCore {
  /** Finds an app by its public key. */
  appByKey(key: string): AppConfig | undefined;
  /** Checks app, protocol version, quota and capacity before a connection is opened. */
  admit(key: string, query: Record<string, unknown>): Admission;
  /** Opens a protocol connection over `socket`; sends `pusher:connection_established`. */
  openConnection(app: AppConfig, socket: ClientSocket): ConnectionHandle;
  /** True once the relay is closing: refuse new sessions. */
  readonly closing: boolean;
}
