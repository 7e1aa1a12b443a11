import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { CloseCode } from '@inloop/protocol';
import type { FastifyBaseLogger } from 'fastify';
import { type RawData, WebSocket, WebSocketServer } from 'ws';
import type { ClientSocket, ConnectionHandle, RelayCore } from './connection.js';
import { frameBytes, TEXT_FRAME } from './frame-bytes.js';

const APP_PATH = /^\/app\/([^/?]+)\/?$/;

/**
 * ws's socket with the relay connection it carries, so that all sockets share the same listener
 * functions: closures per socket would cost hundreds of bytes per idle connection.
 */
class RelayWebSocket extends WebSocket {
  connection?: ConnectionHandle;
}

function onMessage(this: RelayWebSocket, data: RawData): void {
  this.connection?.handleFrame((data as Buffer).toString('utf8'));
}

function onClose(this: RelayWebSocket): void {
  this.connection?.handleClose();
}

/** A websocket as the relay sees it. A class rather than closures: one small object per connection. */
class WsClientSocket implements ClientSocket {
  readonly transport = 'ws';
  constructor(private readonly ws: WebSocket) {}

  send(frame: string): void {
    if (this.ws.readyState === WebSocket.OPEN) this.ws.send(frameBytes(frame), TEXT_FRAME);
  }

  close(code: number, reason: string): void {
    this.ws.close(code, reason);
  }
}

/** Pusher's websocket path `/app/:key?protocol=7&client=...&version=...` on the HTTP server's upgrades. */
export class WebsocketTransport {
  readonly #wss: WebSocketServer;

  constructor(
    private readonly core: RelayCore,
    private readonly logger: FastifyBaseLogger,
    /** Hard cap of one frame; above it ws drops the socket (1009). The soft limit per app answers with pusher:error. */
    maxPayloadBytes: number,
  ) {
    this.#wss = new WebSocketServer({
      noServer: true,
      maxPayload: maxPayloadBytes,
      perMessageDeflate: false,
      WebSocket: RelayWebSocket,
    });
    const { logger: log } = this;
    this.#onError = function (this: RelayWebSocket, error: Error) {
      log.debug({ err: error, socketId: this.connection?.socketId }, 'websocket error');
      this.connection?.handleClose();
    };
  }

  readonly #onError: (this: RelayWebSocket, error: Error) => void;
  /** One listener for every socket: a closure per socket would keep its upgrade request's URL alive. */
  readonly #onSocketError = (error: Error) => this.logger.debug({ err: error }, 'upgrade socket error');

  attach(server: Server): void {
    server.on('upgrade', (request: IncomingMessage, socket: Duplex, head: Buffer) => {
      socket.on('error', this.#onSocketError);
      const url = new URL(request.url ?? '/', 'http://relay');
      const match = APP_PATH.exec(url.pathname);
      this.#wss.handleUpgrade(request, socket, head, (ws) => {
        if (!match) {
          ws.close(CloseCode.PathNotFound, 'the websocket path is /app/:key');
          return;
        }
        this.#accept(ws, decodeURIComponent(match[1] as string), Object.fromEntries(url.searchParams));
      });
    });
  }

  #accept(ws: RelayWebSocket, key: string, query: Record<string, string>): void {
    const admission = this.core.admit(key, query);
    if (!admission.ok) {
      this.logger.info(
        { appId: admission.app?.id, code: admission.closeCode },
        `websocket refused: ${admission.reason}`,
      );
      ws.close(admission.closeCode, admission.reason);
      return;
    }
    ws.connection = this.core.openConnection(admission.app, new WsClientSocket(ws));
    ws.on('message', onMessage);
    ws.on('close', onClose);
    ws.on('error', this.#onError);
  }

  close(): void {
    for (const client of this.#wss.clients) client.terminate();
    this.#wss.close();
  }
}
