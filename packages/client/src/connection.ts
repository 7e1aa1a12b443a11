import { closeAction, encodeClientFrame, type ServerFrame } from '@inloop/protocol';
import { Backoff } from './backoff.js';
import { Emitter } from './emitter.js';
import { decodeFrame } from './frame.js';
import type { ResolvedOptions } from './options.js';
import type { Transport, TransportClose, TransportFactory, TransportName } from './transport.js';

export type ConnectionState = 'initialized' | 'connecting' | 'connected' | 'unavailable' | 'failed' | 'disconnected';

export interface StateChange {
  previous: ConnectionState;
  current: ConnectionState;
}

export interface ConnectionEvents {
  state_change: [StateChange];
  /** The handshake completed (first connect, every reconnect, and an upgrade back to the websocket). */
  connected: [{ socketId: string; transport: TransportName }];
  message: [ServerFrame];
  error: [{ code: number | null; message: string }];
}

interface Attempt {
  name: TransportName;
  transport: Transport;
  established?: boolean;
  /** Code of the last `pusher:error`: a server may send it before a close that lacks the code. */
  errorCode?: number | null;
  handshakeTimer?: ReturnType<typeof setTimeout>;
}

type Timer = ReturnType<typeof setTimeout> | undefined;

const MAX_UPGRADE_DELAY_MS = 10 * 60_000;
/** A liveness check after `online` or a shown tab should not wait the full pong timeout. */
const QUICK_CHECK_MS = 5_000;

/**
 * The Pusher protocol 7 connection state machine over interchangeable transports. A round of
 * attempts tries every configured transport once, starting with the one that last worked (so a
 * network that blocks websockets does not pay for them on every reconnect). After `activityTimeout`
 * of silence it pings, and declares the connection dead when nothing answers within `pongTimeoutMs`.
 */
export class Connection extends Emitter<ConnectionEvents> {
  state: ConnectionState = 'initialized';
  socketId: string | undefined;
  /** Why the connection is `failed`. */
  failure: TransportClose | undefined;
  /** The transport carrying the connection, when connected. */
  transport: TransportName | undefined;
  readonly connect: () => void;
  readonly disconnect: () => void;
  /** Sends a frame when connected; false otherwise (the caller re-sends after the next `connected`). */
  readonly send: (frame: string) => boolean;
  /** The network came back or the tab is visible again: prove the connection alive, or retry now. */
  readonly check: () => void;

  constructor(options: ResolvedOptions, factories: Record<TransportName, TransportFactory>) {
    super();
    const order = options.transports;
    const backoff = new Backoff(options.backoff);
    let current: Attempt | null = null;
    let probe: Attempt | null = null;
    let preferred = order[0]!;
    let round: TransportName[] = [];
    let retryTimer: Timer;
    let upgradeTimer: Timer;
    let upgradeDelayMs = options.upgradeAfterMs;
    let idleMs = 0;
    let idleTimer: Timer;
    let pongTimer: Timer;

    const setState = (next: ConnectionState) => {
      const previous = this.state;
      if (previous === next) return;
      this.state = next;
      this.emit('state_change', { previous, current: next });
    };

    const startRound = () => {
      round = [preferred, ...order.filter((name) => name !== preferred)];
      open(round.shift()!);
    };

    const clearActivity = () => {
      clearTimeout(idleTimer);
      clearTimeout(pongTimer);
      idleTimer = pongTimer = undefined;
    };
    /** Any traffic from the server proves the connection alive. */
    const touch = () => {
      if (!idleMs) return;
      clearActivity();
      idleTimer = setTimeout(() => checkNow(options.pongTimeoutMs), idleMs);
    };
    const checkNow = (pongTimeoutMs: number) => {
      if (!idleMs || pongTimer) return;
      clearTimeout(idleTimer);
      current?.transport.send(encodeClientFrame('pusher:ping'));
      pongTimer = setTimeout(() => {
        if (current) abandon(current, 4201, 'no answer to ping');
      }, pongTimeoutMs);
    };

    /** Gives up on an attempt the server did not close itself, as if it had closed with `code`. */
    const abandon = (attempt: Attempt, code: number, reason: string) => {
      attempt.transport.close();
      onClose(attempt, { code, reason });
    };

    const drop = (attempt: Attempt | null) => {
      if (!attempt) return;
      clearTimeout(attempt.handshakeTimer);
      attempt.transport.close();
    };

    const scheduleUpgrade = () => {
      clearTimeout(upgradeTimer);
      upgradeTimer = setTimeout(() => {
        if (this.state === 'connected' && !probe && current?.name !== order[0]) open(order[0]!, true);
      }, upgradeDelayMs);
    };

    const scheduleRetry = () => {
      retryTimer = setTimeout(() => {
        retryTimer = undefined;
        startRound();
      }, backoff.next());
    };

    const open = (name: TransportName, asProbe?: boolean) => {
      const attempt: Attempt = { name } as Attempt;
      attempt.transport = factories[name](
        options.endpoints,
        {
          onOpen() {},
          onActivity: () => {
            if (attempt === current && attempt.established) touch();
          },
          onMessage: (raw) => onMessage(attempt, raw),
          onClose: (close) => onClose(attempt, close),
        },
        options,
      );
      attempt.handshakeTimer = setTimeout(
        () => abandon(attempt, 1006, `no handshake over ${name} within ${options.connectTimeoutMs} ms`),
        options.connectTimeoutMs,
      );
      if (asProbe) probe = attempt;
      else current = attempt;
    };

    const onMessage = (attempt: Attempt, raw: string) => {
      if (attempt !== current && attempt !== probe) return;
      const frame = decodeFrame(raw);
      if (!frame) return this.emit('error', { code: null, message: 'ignored a frame that is not JSON with an event' });
      const data = (frame as { data: Record<string, unknown> }).data;
      switch (frame.event) {
        case 'pusher:connection_established':
          if (!attempt.established) onEstablished(attempt, data);
          return;
        case 'pusher:error':
          attempt.errorCode = typeof data.code === 'number' ? data.code : null;
          return this.emit('error', { code: attempt.errorCode, message: String(data.message ?? 'server error') });
        case 'pusher:ping':
          return attempt.transport.send(encodeClientFrame('pusher:pong'));
        case 'pusher:pong':
          return;
        default:
          if (attempt === current && attempt.established) this.emit('message', frame);
      }
    };

    const onEstablished = (attempt: Attempt, data: Record<string, unknown>) => {
      const socketId = data.socket_id;
      if (typeof socketId !== 'string') return abandon(attempt, 1006, 'handshake without a socket_id');
      clearTimeout(attempt.handshakeTimer);
      attempt.established = true;
      if (attempt === probe) {
        // Upgrade back to the preferred transport: the old one goes, subscriptions follow on `connected`.
        drop(current);
        current = attempt;
        probe = null;
        upgradeDelayMs = options.upgradeAfterMs;
      }
      this.socketId = socketId;
      this.transport = preferred = attempt.name;
      round = [];
      backoff.reset();
      const serverIdleMs = typeof data.activity_timeout === 'number' ? data.activity_timeout * 1000 : Infinity;
      idleMs = Math.min(options.activityTimeoutMs, serverIdleMs);
      touch();
      setState('connected');
      this.emit('connected', { socketId, transport: attempt.name });
      if (attempt.name !== order[0]) scheduleUpgrade();
    };

    const onClose = (attempt: Attempt, close: TransportClose) => {
      clearTimeout(attempt.handshakeTimer);
      if (attempt === probe) {
        probe = null;
        upgradeDelayMs = Math.min(upgradeDelayMs * 2, MAX_UPGRADE_DELAY_MS);
        if (current?.established) scheduleUpgrade();
        return;
      }
      if (attempt !== current) return;
      current = null;
      reset();
      drop(probe);
      probe = null;

      const refused = close.code >= 4000 && close.code < 5000;
      const code = refused ? close.code : (attempt.errorCode ?? close.code);
      const action = closeAction(code);
      // A refusal may come as a bare close (the relay's websocket, Pusher's HTTP fallback): surface it too.
      if (code >= 4000 && code < 5000 && attempt.errorCode !== code)
        this.emit('error', { code, message: close.reason });
      if (action === 'no-retry') {
        this.failure = { code, reason: close.reason };
        return setState('failed');
      }
      // A server that refuses the handshake with 4200 (e.g. while it restarts) would otherwise be hammered.
      if (action === 'reconnect-now' && attempt.established) {
        setState('connecting');
        return startRound();
      }
      if (action !== 'backoff' && !attempt.established) {
        const next = round.shift();
        if (next) return open(next);
        setState('unavailable');
      } else if (this.state !== 'unavailable') {
        setState('connecting');
      }
      scheduleRetry();
    };

    /** Forgets the socket and stops every timer of the connection. */
    const reset = () => {
      this.socketId = this.transport = undefined;
      idleMs = 0;
      clearActivity();
      clearTimeout(retryTimer);
      clearTimeout(upgradeTimer);
      retryTimer = upgradeTimer = undefined;
    };

    this.connect = () => {
      if (this.state === 'connecting' || this.state === 'connected' || this.state === 'unavailable') return;
      this.failure = undefined;
      backoff.reset();
      setState('connecting');
      startRound();
    };

    this.disconnect = () => {
      reset();
      drop(current);
      drop(probe);
      current = probe = null;
      setState('disconnected');
    };

    this.send = (frame) => {
      if (!current?.established) return false;
      current.transport.send(frame);
      return true;
    };

    this.check = () => {
      if (this.state === 'connected') {
        checkNow(Math.min(QUICK_CHECK_MS, options.pongTimeoutMs));
      } else if (retryTimer && (this.state === 'connecting' || this.state === 'unavailable')) {
        clearTimeout(retryTimer);
        retryTimer = undefined;
        backoff.reset();
        startRound();
      }
    };
  }
}
