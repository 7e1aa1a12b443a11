import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { CloseCode } from '@inloop/protocol';
import type { FastifyBaseLogger } from 'fastify';
import { WebSocket, WebSocketServer } from 'ws';
import type { ClientSocket, RelayCore } from './connection.js';
import { frameBytes, TEXT_FRAME } from './frame-bytes.js';

const APP_PATH = /^\/app\/([^/?]+)\/?$/;

/** Pusher's websocket path `/app/:key?protocol=7&client=...&version=...` on the HTTP server's upgrades. */
export class WebsocketTransport {
  readonly #wss: WebSocketServer;

  constructor(
    private readonly core: RelayCore,
    private readonly logger: FastifyBaseLogger,
    /** Hard cap of one frame; above it ws drops the socket (1009). The soft limit per app answers with pusher:error. */
    maxPayloadBytes: number,
  ) {
    this.#wss = new WebSocketServer({ noServer: true, maxPayload: maxPayloadBytes, perMessageDeflate: false });
  }

  attach(server: Server): void {
    server.on('upgrade', (request: IncomingMessage, socket: Duplex, head: Buffer) => {
      socket.on('error', (error) => this.logger.debug({ err: error }, 'upgrade socket error'));
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

  #accept(ws: WebSocket, key: string, query: Record<string, string>): void {
    const admission = this.core.admit(key, query);
    if (!admission.ok) {
      this.logger.info(
        { appId: admission.app?.id, code: admission.closeCode },
        `websocket refused: ${admission.reason}`,
      );
      ws.close(admission.closeCode, admission.reason);
      return;
    }
    const socket: ClientSocket = {
      transport: 'ws',
      send: (frame) => {
        if (ws.readyState === WebSocket.OPEN) ws.send(frameBytes(frame), TEXT_FRAME);
      },
      close: (code, reason) => ws.close(code, reason),
    };
    const connection = this.core.openConnection(admission.app, socket);
    ws.on('message', (data) => {
      connection.handleFrame((data as Buffer).toString('utf8'));
    });
    ws.on('close', () => connection.handleClose());
    ws.on('error', (error) => {
      this.logger.debug({ err: error, socketId: connection.socketId }, 'websocket error');
      connection.handleClose();
    });
  }

  close(): void {
    for (const client of this.#wss.clients) client.terminate();
    this.#wss.close();
  }
}
