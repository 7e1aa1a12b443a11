import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { Connection, type ConnectionState } from '../src/connection.js';
import { resolveOptions } from '../src/options.js';
import { FakeNetwork } from './fake-transport.js';

function setup(overrides: Record<string, unknown> = {}) {
  const network = new FakeNetwork();
  const options = resolveOptions({ key: 'k', wsHost: '127.0.0.1', wsPort: 1, upgradeAfterMs: 5_000, ...overrides });
  const connection = new Connection(options, network.factories);
  const states: ConnectionState[] = [];
  connection.on('state_change', ({ current }) => states.push(current));
  return { network, connection, states };
}

describe('Connection state machine', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('connects over the websocket and reports the socket id and transport', () => {
    const { network, connection, states } = setup();
    connection.connect();
    network.last.establish('42.1');
    expect(states).toEqual(['connecting', 'connected']);
    expect(connection.socketId).toBe('42.1');
    expect(connection.transport).toBe('ws');
  });

  it('falls back to HTTP streaming at once when the websocket drops before the handshake, then polling', () => {
    const { network, connection } = setup();
    connection.connect();
    network.last.drop(1006);
    expect(network.names()).toEqual(['ws', 'xhr_streaming']);
    network.last.drop(1006);
    expect(network.names()).toEqual(['ws', 'xhr_streaming', 'xhr_polling']);
    network.last.establish();
    expect(connection.state).toBe('connected');
    expect(connection.transport).toBe('xhr_polling');
  });

  it('falls back when the websocket never completes the handshake', () => {
    const { network, connection } = setup({ connectTimeoutMs: 1_000 });
    connection.connect();
    vi.advanceTimersByTime(1_000);
    expect(network.attempts[0]!.closedByClient).toBe(true);
    expect(network.last.name).toBe('xhr_streaming');
  });

  it('is unavailable after every transport failed and retries with backoff', () => {
    const { network, connection, states } = setup({ backoff: { initialMs: 100, maxMs: 100 } });
    connection.connect();
    for (let i = 0; i < 3; i++) network.last.drop(1006);
    expect(states.at(-1)).toBe('unavailable');
    expect(network.attempts).toHaveLength(3);
    vi.advanceTimersByTime(100);
    expect(network.attempts).toHaveLength(4);
    expect(network.last.name).toBe('ws');
    network.last.establish();
    expect(states.at(-1)).toBe('connected');
  });

  it('fails without retrying on a 4000–4099 close, keeping the reason', () => {
    const { network, connection } = setup();
    connection.connect();
    network.last.receive({ event: 'pusher:error', data: { code: 4001, message: 'App key k not in this cluster' } });
    network.last.drop(4001, 'App key k not in this cluster');
    vi.advanceTimersByTime(120_000);
    expect(connection.state).toBe('failed');
    expect(connection.failure).toEqual({ code: 4001, reason: 'App key k not in this cluster' });
    expect(network.attempts).toHaveLength(1);
  });

  it('uses the code of a pusher:error when the close itself carries none', () => {
    const { network, connection } = setup();
    connection.connect();
    network.last.establish();
    network.last.receive({ event: 'pusher:error', data: { code: 4009, message: 'Unauthorized' } });
    network.last.drop(1006);
    expect(connection.state).toBe('failed');
  });

  it('reconnects at once on 4200–4299', () => {
    const { network, connection } = setup();
    connection.connect();
    network.last.establish();
    network.last.drop(4200, 'restart');
    expect(network.attempts).toHaveLength(2);
    expect(connection.state).toBe('connecting');
  });

  it('does not hammer a server that refuses the handshake itself with 4200', () => {
    const { network, connection } = setup({ transports: ['ws'], backoff: { initialMs: 1_000, maxMs: 1_000 } });
    connection.connect();
    network.last.drop(4200, 'the relay is restarting');
    expect(network.attempts).toHaveLength(1);
    expect(connection.state).toBe('unavailable');
    vi.advanceTimersByTime(1_000);
    expect(network.attempts).toHaveLength(2);
  });

  it('reports a bare 4xxx close as an error, once even when a pusher:error preceded it', () => {
    const { network, connection } = setup();
    const errors: Array<number | null> = [];
    connection.on('error', ({ code }) => errors.push(code));
    connection.connect();
    network.last.establish();
    network.last.drop(4100, 'over capacity');
    vi.advanceTimersByTime(60_000);
    network.last.establish();
    network.last.receive({ event: 'pusher:error', data: { code: 4301, message: 'too many client events' } });
    network.last.drop(4301, 'too many client events');
    expect(errors).toEqual([4100, 4301]);
  });

  it('backs off on 4100–4199 instead of reconnecting at once', () => {
    const { network, connection } = setup({ backoff: { initialMs: 1_000, maxMs: 1_000 } });
    connection.connect();
    network.last.establish();
    network.last.drop(4100, 'over capacity');
    expect(network.attempts).toHaveLength(1);
    vi.advanceTimersByTime(1_000);
    expect(network.attempts).toHaveLength(2);
  });

  it('pings after the activity timeout and reconnects when no pong comes', () => {
    const { network, connection } = setup({ activityTimeoutMs: 10_000, pongTimeoutMs: 2_000 });
    connection.connect();
    network.last.establish('1.1', 120);
    vi.advanceTimersByTime(10_000);
    expect(network.last.sentEvents()).toContain('pusher:ping');
    vi.advanceTimersByTime(2_000);
    expect(network.attempts[0]!.closedByClient).toBe(true);
    expect(network.attempts).toHaveLength(2);
  });

  it('keeps the connection when the pong arrives, and answers the server ping', () => {
    const { network, connection } = setup({ activityTimeoutMs: 10_000, pongTimeoutMs: 2_000 });
    connection.connect();
    network.last.establish();
    vi.advanceTimersByTime(10_000);
    network.last.receive({ event: 'pusher:pong', data: {} });
    network.last.receive({ event: 'pusher:ping', data: {} });
    vi.advanceTimersByTime(5_000);
    expect(network.attempts).toHaveLength(1);
    expect(connection.state).toBe('connected');
    expect(network.last.sentEvents()).toContain('pusher:pong');
  });

  it('upgrades back to the websocket later and emits connected again with the new socket', () => {
    const { network, connection } = setup();
    const connected: string[] = [];
    connection.on('connected', ({ transport }) => connected.push(transport));
    connection.connect();
    network.last.drop(1006);
    const streaming = network.last;
    streaming.establish('1.1');
    vi.advanceTimersByTime(5_000);
    expect(network.last.name).toBe('ws');
    network.last.establish('2.2');
    expect(connected).toEqual(['xhr_streaming', 'ws']);
    expect(streaming.closedByClient).toBe(true);
    expect(connection.transport).toBe('ws');
    expect(connection.socketId).toBe('2.2');
  });

  it('stays on the fallback when the upgrade probe fails', () => {
    const { network, connection } = setup();
    connection.connect();
    network.last.drop(1006);
    network.last.establish('1.1');
    vi.advanceTimersByTime(5_000);
    network.last.drop(1006);
    expect(connection.transport).toBe('xhr_streaming');
    expect(connection.state).toBe('connected');
  });

  it('disconnect closes the transport and stops retrying', () => {
    const { network, connection } = setup();
    connection.connect();
    network.last.establish();
    connection.disconnect();
    vi.advanceTimersByTime(60_000);
    expect(connection.state).toBe('disconnected');
    expect(network.last.closedByClient).toBe(true);
    expect(network.attempts).toHaveLength(1);
  });
});
