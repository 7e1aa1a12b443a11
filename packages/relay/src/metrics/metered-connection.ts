import { ClientConnection, type ConnectionContext } from '../client-connection.js';
import type { AppConfig } from '../config-schema.js';
import type { ClientSocket } from '../connection.js';
import type { TrafficCounters } from './traffic.js';

/** A client connection that counts the frames it receives and sends. */
export class MeteredConnection extends ClientConnection {
  readonly #traffic: TrafficCounters;

  constructor(
    socketId: string,
    app: AppConfig,
    socket: ClientSocket,
    context: ConnectionContext,
    traffic: TrafficCounters,
  ) {
    super(socketId, app, socket, context);
    this.#traffic = traffic;
  }

  override send(frame: string): void {
    if (this.closed) return;
    this.#traffic.sent(frame);
    super.send(frame);
  }

  override handleFrame(raw: string): void {
    if (this.closed) return;
    this.#traffic.received(raw);
    super.handleFrame(raw);
  }
}
