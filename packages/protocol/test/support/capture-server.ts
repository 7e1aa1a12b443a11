import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface CapturedRequest {
  method: string;
  /** Path and query exactly as the client sent them. */
  url: string;
  body: Buffer;
}

/** A local HTTP server on 127.0.0.1 that records each request and answers 200 `{}`. */
export class CaptureServer {
  readonly requests: CapturedRequest[] = [];
  private readonly server: Server;

  private constructor(server: Server) {
    this.server = server;
  }

  static async start(): Promise<CaptureServer> {
    const server = createServer();
    const capture = new CaptureServer(server);
    server.on('request', (request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        capture.requests.push({ method: request.method ?? '', url: request.url ?? '', body: Buffer.concat(chunks) });
        response.writeHead(200, { 'content-type': 'application/json' }).end('{}');
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return capture;
  }

  get port(): number {
    return (this.server.address() as AddressInfo).port;
  }

  /** The one request recorded since the last call. */
  take(): CapturedRequest {
    const request = this.requests.shift();
    if (!request || this.requests.length > 0) throw new Error(`expected one request, got ${this.requests.length + 1}`);
    return request;
  }

  close(): Promise<void> {
    return new Promise((resolve, reject) => this.server.close((error) => (error ? reject(error) : resolve())));
  }
}
