import type { Transport, TransportCallbacks, TransportFactory, TransportName } from '../src/transport.js';

/** A transport the test drives by hand: it plays the server's side of one connection attempt. */
export class FakeTransport implements Transport {
  readonly sent: string[] = [];
  closedByClient = false;

  constructor(
    readonly name: TransportName,
    private readonly callbacks: TransportCallbacks,
  ) {}

  send(frame: string): void {
    this.sent.push(frame);
  }

  close(): void {
    this.closedByClient = true;
  }

  establish(socketId = '1.1', activityTimeout = 120): void {
    this.callbacks.onOpen();
    this.receive({
      event: 'pusher:connection_established',
      data: JSON.stringify({ socket_id: socketId, activity_timeout: activityTimeout }),
    });
  }

  receive(frame: Record<string, unknown>): void {
    this.callbacks.onActivity();
    this.callbacks.onMessage(JSON.stringify(frame));
  }

  drop(code = 1006, reason = 'dropped'): void {
    this.callbacks.onClose({ code, reason });
  }

  sentEvents(): string[] {
    return this.sent.map((frame) => (JSON.parse(frame) as { event: string }).event);
  }
}

export class FakeNetwork {
  readonly attempts: FakeTransport[] = [];

  readonly factories: Record<TransportName, TransportFactory> = {
    ws: (_endpoints, callbacks) => this.add('ws', callbacks),
    xhr_streaming: (_endpoints, callbacks) => this.add('xhr_streaming', callbacks),
    xhr_polling: (_endpoints, callbacks) => this.add('xhr_polling', callbacks),
  };

  private add(name: TransportName, callbacks: TransportCallbacks): FakeTransport {
    const transport = new FakeTransport(name, callbacks);
    this.attempts.push(transport);
    return transport;
  }

  get last(): FakeTransport {
    const last = this.attempts.at(-1);
    if (!last) throw new Error('no connection attempt yet');
    return last;
  }

  names(): TransportName[] {
    return this.attempts.map((attempt) => attempt.name);
  }
}
