import type { TransportName } from './transport.js';

/**
 * Which transport to try next. A round tries every configured transport once, starting with the
 * one that last worked (so a network that blocks websockets does not pay for them on every reconnect);
 * a websocket that is refused or drops before the handshake moves on to the next transport at once.
 */
export class TransportPlan {
  private preferred: TransportName;
  private round: TransportName[] = [];

  constructor(readonly order: readonly TransportName[]) {
    this.preferred = order[0]!;
  }

  get first(): TransportName {
    return this.order[0]!;
  }

  startRound(): TransportName {
    this.round = [this.preferred, ...this.order.filter((name) => name !== this.preferred)];
    return this.round.shift()!;
  }

  /** The next transport of this round, or undefined when every one failed. */
  next(): TransportName | undefined {
    return this.round.shift();
  }

  succeeded(name: TransportName): void {
    this.preferred = name;
    this.round = [];
  }
}
