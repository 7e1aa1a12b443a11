import { clientFrames, closeAction, type ServerFrame } from '@inloop/protocol';
import { ActivityMonitor } from './activity-monitor.js';
import { Backoff } from './backoff.js';
import { Emitter } from './emitter.js';
import { decodeFrame } from './frame.js';
import type { ResolvedOptions } from './options.js';
import type { Transport, TransportClose, TransportFactory, TransportName } from './transport.js';
import { TransportPlan } from './transport-plan.js';
import { transportFactories } from './transports/index.js';

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
  established: boolean;
  /** Code of the last `pusher:error`: a server may send it before a close that lacks the code. */
  errorCode: number | null;
  handshakeTimer: ReturnType<typeof setTimeout> | null;
}

const MAX_UPGRADE_DELAY_MS = 10 * 60_000;
/** A liveness check after `online` or a shown tab should not wait the full pong timeout. */
const QUICK_CHECK_MS = 5_000;

/** The Pusher protocol 7 connection state machine over interchangeable transports. */
export class Connection extends Emitter<ConnectionEvents> {
  state: ConnectionState = 'initialized';
  socketId: string | undefined;
  /** Why the connection is `failed`. */
  failure: TransportClose | undefined;
  private current: Attempt | null = null;
  private probe: Attempt | null = null;
  private readonly plan: TransportPlan;
  private readonly backoff: Backoff;
  private retryTimer: ReturnType<typeof setTimeout> | null = null;
  private upgradeTimer: ReturnType<typeof setTimeout> | null = null;
  private upgradeDelayMs: number;
  private readonly activity: ActivityMonitor;

  constructor(
    private readonly options: ResolvedOptions,
    private readonly factories: Record<TransportName, TransportFactory> = transportFactories,
  ) {
    super();
    this.plan = new TransportPlan(options.transports);
    this.backoff = new Backoff(options.backoff);
    this.upgradeDelayMs = options.upgradeAfterMs;
    this.activity = new ActivityMonitor(
      () => this.current?.transport.send(clientFrames.ping()),
      () => this.onDead(),
      options.pongTimeoutMs,
    );
  }

  /** The transport carrying the connection, when connected. */
  get transport(): TransportName | undefined {
    return this.current?.established ? this.current.name : undefined;
  }

  connect(): void {
    if (this.state === 'connecting' || this.state === 'connected' || this.state === 'unavailable') return;
    this.failure = undefined;
    this.backoff.reset();
    this.setState('connecting');
    this.open(this.plan.startRound());
  }

  disconnect(): void {
    this.clearTimers();
    this.activity.stop();
    this.dropAttempt(this.current);
    this.dropAttempt(this.probe);
    this.current = this.probe = null;
    this.socketId = undefined;
    this.setState('disconnected');
  }

  /** Sends a frame when connected; false otherwise (the caller re-sends after the next `connected`). */
  send(frame: string): boolean {
    if (!this.current?.established) return false;
    this.current.transport.send(frame);
    return true;
  }

  /** The network came back or the tab is visible again: prove the connection alive, or retry now. */
  check(): void {
    if (this.state === 'connected') {
      this.activity.checkNow(Math.min(QUICK_CHECK_MS, this.options.pongTimeoutMs));
    } else if (this.retryTimer && (this.state === 'connecting' || this.state === 'unavailable')) {
      clearTimeout(this.retryTimer);
      this.retryTimer = null;
      this.backoff.reset();
      this.open(this.plan.startRound());
    }
  }

  private open(name: TransportName, role: 'main' | 'probe' = 'main'): void {
    const attempt: Attempt = {
      name,
      transport: undefined as unknown as Transport,
      established: false,
      errorCode: null,
      handshakeTimer: null,
    };
    attempt.transport = this.factories[name](
      this.options.endpoints,
      {
        onOpen: () => {},
        onActivity: () => {
          if (attempt === this.current && attempt.established) this.activity.touch();
        },
        onMessage: (raw) => this.onMessage(attempt, raw),
        onClose: (close) => this.onClose(attempt, close),
      },
      this.options,
    );
    attempt.handshakeTimer = setTimeout(() => {
      attempt.transport.close();
      this.onClose(attempt, {
        code: 1006,
        reason: `no handshake over ${name} within ${this.options.connectTimeoutMs} ms`,
      });
    }, this.options.connectTimeoutMs);
    if (role === 'probe') this.probe = attempt;
    else this.current = attempt;
  }

  private onMessage(attempt: Attempt, raw: string): void {
    if (attempt !== this.current && attempt !== this.probe) return;
    const frame = decodeFrame(raw);
    if (!frame) {
      this.emit('error', { code: null, message: 'ignored a frame that is not JSON with an event' });
      return;
    }
    switch (frame.event) {
      case 'pusher:connection_established':
        if (!attempt.established)
          this.onEstablished(attempt, frame.data as { socket_id: string; activity_timeout: number });
        return;
      case 'pusher:error': {
        const data = frame.data as { code?: number | null; message?: string };
        attempt.errorCode = typeof data.code === 'number' ? data.code : null;
        this.emit('error', { code: attempt.errorCode, message: String(data.message ?? 'server error') });
        return;
      }
      case 'pusher:ping':
        attempt.transport.send(clientFrames.pong());
        return;
      case 'pusher:pong':
        return;
      default:
        if (attempt === this.current && attempt.established) this.emit('message', frame);
    }
  }

  private onEstablished(attempt: Attempt, data: { socket_id: string; activity_timeout: number }): void {
    if (typeof data?.socket_id !== 'string') {
      attempt.transport.close();
      this.onClose(attempt, { code: 1006, reason: 'handshake without a socket_id' });
      return;
    }
    if (attempt.handshakeTimer) clearTimeout(attempt.handshakeTimer);
    attempt.established = true;
    if (attempt === this.probe) {
      // Upgrade back to the preferred transport: the old one goes, subscriptions follow on `connected`.
      this.dropAttempt(this.current);
      this.current = attempt;
      this.probe = null;
      this.upgradeDelayMs = this.options.upgradeAfterMs;
    }
    this.socketId = data.socket_id;
    this.plan.succeeded(attempt.name);
    this.backoff.reset();
    const serverIdleMs = typeof data.activity_timeout === 'number' ? data.activity_timeout * 1000 : Infinity;
    this.activity.start(Math.min(this.options.activityTimeoutMs, serverIdleMs));
    this.setState('connected');
    this.emit('connected', { socketId: data.socket_id, transport: attempt.name });
    if (attempt.name !== this.plan.first) this.scheduleUpgrade();
  }

  private onClose(attempt: Attempt, close: TransportClose): void {
    if (attempt.handshakeTimer) clearTimeout(attempt.handshakeTimer);
    attempt.handshakeTimer = null;
    if (attempt === this.probe) {
      this.probe = null;
      this.upgradeDelayMs = Math.min(this.upgradeDelayMs * 2, MAX_UPGRADE_DELAY_MS);
      if (this.current?.established) this.scheduleUpgrade();
      return;
    }
    if (attempt !== this.current) return;
    this.current = null;
    this.socketId = undefined;
    this.activity.stop();
    this.clearTimers();
    this.dropAttempt(this.probe);
    this.probe = null;

    const code = close.code >= 4000 && close.code < 5000 ? close.code : (attempt.errorCode ?? close.code);
    const action = closeAction(code);
    // A refusal may come as a bare close (the relay's websocket, Pusher's HTTP fallback): surface it too.
    if (code >= 4000 && code < 5000 && attempt.errorCode !== code) this.emit('error', { code, message: close.reason });
    if (action === 'no-retry') {
      this.failure = { code, reason: close.reason };
      this.setState('failed');
      return;
    }
    // A server that refuses the handshake with 4200 (e.g. while it restarts) would otherwise be hammered.
    if (action === 'reconnect-now' && attempt.established) {
      this.setState('connecting');
      this.open(this.plan.startRound());
      return;
    }
    if ((action === 'default' || action === 'reconnect-now') && !attempt.established) {
      const next = this.plan.next();
      if (next) {
        this.open(next);
        return;
      }
      this.setState('unavailable');
      this.scheduleRetry();
      return;
    }
    if (this.state !== 'unavailable') this.setState('connecting');
    this.scheduleRetry();
  }

  private onDead(): void {
    const attempt = this.current;
    if (!attempt) return;
    attempt.transport.close();
    this.onClose(attempt, { code: 4201, reason: 'no answer to ping' });
  }

  private scheduleRetry(): void {
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      this.open(this.plan.startRound());
    }, this.backoff.next());
  }

  private scheduleUpgrade(): void {
    if (this.upgradeTimer) clearTimeout(this.upgradeTimer);
    this.upgradeTimer = setTimeout(() => {
      this.upgradeTimer = null;
      if (this.state === 'connected' && !this.probe && this.current?.name !== this.plan.first) {
        this.open(this.plan.first, 'probe');
      }
    }, this.upgradeDelayMs);
  }

  private dropAttempt(attempt: Attempt | null): void {
    if (!attempt) return;
    if (attempt.handshakeTimer) clearTimeout(attempt.handshakeTimer);
    attempt.transport.close();
  }

  private clearTimers(): void {
    if (this.retryTimer) clearTimeout(this.retryTimer);
    if (this.upgradeTimer) clearTimeout(this.upgradeTimer);
    this.retryTimer = this.upgradeTimer = null;
  }

  private setState(current: ConnectionState): void {
    const previous = this.state;
    if (previous === current) return;
    this.state = current;
    this.emit('state_change', { previous, current });
  }
}
