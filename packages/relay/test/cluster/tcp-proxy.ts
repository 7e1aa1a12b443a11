import { createConnection, createServer, type Server, type Socket } from 'node:net';

/**
 * A TCP proxy for tests: hands each new connection to the next of `targets` that accepts it
 * (round-robin, like a load balancer), and can cut every connection and refuse new ones
 * (`cut`) until `restore` — a network failure between a relay and Redis, without stopping Redis.
 */
export class TcpProxy {
  readonly #server: Server;
  readonly #sockets = new Set<Socket>();
  readonly #pairs = new Set<[Socket, Socket]>();
  #stalled = false;
  #next = 0;
  #down = false;
  port = 0;

  constructor(public targets: number[]) {
    this.#server = createServer((client) => this.#accept(client));
  }

  async listen(): Promise<number> {
    await new Promise<void>((resolve) => this.#server.listen(0, '127.0.0.1', resolve));
    this.port = (this.#server.address() as { port: number }).port;
    return this.port;
  }

  #accept(client: Socket): void {
    this.#track(client);
    client.on('error', () => client.destroy());
    if (this.#down || this.targets.length === 0) client.destroy();
    else this.#connect(client, this.#next++, 0);
  }

  /** Tries the targets from `first` on, each once, until one accepts. */
  #connect(client: Socket, first: number, attempt: number): void {
    const target = this.targets[(first + attempt) % this.targets.length] as number;
    const upstream = createConnection({ port: target, host: '127.0.0.1' });
    this.#track(upstream);
    let connected = false;
    upstream.once('connect', () => {
      connected = true;
      if (client.destroyed) return upstream.destroy();
      const pair: [Socket, Socket] = [client, upstream];
      this.#pairs.add(pair);
      if (!this.#stalled) this.#flow(pair);
      client.once('close', () => {
        this.#pairs.delete(pair);
        upstream.destroy();
      });
    });
    upstream.on('error', () => {
      // A target that is gone: try the next one, as a balancer's health check would.
      if (!connected && !client.destroyed && attempt + 1 < this.targets.length)
        this.#connect(client, first, attempt + 1);
      else client.destroy();
    });
    upstream.once('close', () => {
      if (connected) client.destroy();
    });
  }

  #track(socket: Socket): void {
    this.#sockets.add(socket);
    socket.once('close', () => this.#sockets.delete(socket));
  }

  #flow([client, upstream]: [Socket, Socket]): void {
    client.pipe(upstream);
    upstream.pipe(client);
  }

  /** Stops forwarding bytes but keeps every connection open: a network stall, not a failure. */
  stall(): void {
    this.#stalled = true;
    for (const [client, upstream] of this.#pairs) {
      client.unpipe(upstream);
      upstream.unpipe(client);
      client.pause();
      upstream.pause();
    }
  }

  /** Forwards again, including what arrived meanwhile. */
  unstall(): void {
    this.#stalled = false;
    for (const pair of this.#pairs) this.#flow(pair);
  }

  /** Drops every connection and refuses new ones. */
  cut(): void {
    this.#down = true;
    for (const socket of this.#sockets) socket.destroy();
  }

  restore(): void {
    this.#down = false;
  }

  async close(): Promise<void> {
    this.cut();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }
}
