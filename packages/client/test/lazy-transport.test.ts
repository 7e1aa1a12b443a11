import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { Connection } from '../src/connection.js';
import { resolveOptions } from '../src/options.js';
import type { TransportFactory, TransportName } from '../src/transport.js';
import type { HttpTransports } from '../src/transports/http-fallback.js';
import { lazyTransport } from '../src/transports/lazy.js';
import { FakeNetwork } from './fake-transport.js';

/** A connection whose HTTP transports come from `load`, the websocket from a fake network. */
function setup(load: () => Promise<HttpTransports>) {
  const network = new FakeNetwork();
  const httpNetwork: HttpTransports = {
    xhr_streaming: network.factories.xhr_streaming,
    xhr_polling: network.factories.xhr_polling,
  };
  const loader = vi.fn(load);
  const factories: Record<TransportName, TransportFactory> = {
    ws: network.factories.ws,
    xhr_streaming: lazyTransport('xhr_streaming', loader),
    xhr_polling: lazyTransport('xhr_polling', loader),
  };
  const options = resolveOptions({ key: 'k', wsHost: '127.0.0.1', wsPort: 1 });
  const connection = new Connection(options, factories);
  return { network, httpNetwork, loader, connection };
}

describe('lazily loaded HTTP fallback', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('is not loaded while the websocket works', async () => {
    const { network, loader, connection } = setup(() => Promise.reject(new Error('not expected')));
    connection.connect();
    network.last.establish();
    await vi.runOnlyPendingTimersAsync();
    expect(connection.state).toBe('connected');
    expect(loader).not.toHaveBeenCalled();
  });

  it('loads when the websocket fails, then carries the connection over the loaded transport', async () => {
    const { network, httpNetwork, loader, connection } = setup(() => Promise.resolve(httpNetwork));
    connection.connect();
    network.last.drop();
    await vi.advanceTimersByTimeAsync(0);
    expect(loader).toHaveBeenCalledTimes(1);
    expect(network.names()).toEqual(['ws', 'xhr_streaming']);
    network.last.establish('2.2');
    expect(connection.state).toBe('connected');
    expect(connection.transport).toBe('xhr_streaming');
    expect(connection.send('{"event":"pusher:ping","data":{}}')).toBe(true);
    expect(network.last.sentEvents()).toEqual(['pusher:ping']);
  });

  it('a failed load closes the attempt like a refused socket, and the next round loads again', async () => {
    let fail = true;
    const { network, httpNetwork, loader, connection } = setup(() =>
      fail ? Promise.reject(new Error('could not load /inloop-client.http.iife.js')) : Promise.resolve(httpNetwork),
    );
    const states: string[] = [];
    connection.on('state_change', ({ current }) => states.push(current));
    connection.connect();
    network.last.drop();
    await vi.advanceTimersByTimeAsync(0);
    // Both HTTP transports were tried and could not be loaded: the round is over, nothing is stuck pending.
    expect(loader).toHaveBeenCalledTimes(2);
    expect(connection.state).toBe('unavailable');
    expect(network.names()).toEqual(['ws']);

    fail = false;
    await vi.advanceTimersByTimeAsync(1_000);
    network.last.drop();
    await vi.advanceTimersByTimeAsync(0);
    expect(network.names()).toEqual(['ws', 'ws', 'xhr_streaming']);
    network.last.establish();
    expect(states.at(-1)).toBe('connected');
  });

  it('an attempt closed while loading never opens the transport', async () => {
    let finishLoading: (transports: HttpTransports) => void = () => {};
    const { network, httpNetwork, connection } = setup(
      () => new Promise<HttpTransports>((resolve) => (finishLoading = resolve)),
    );
    connection.connect();
    network.last.drop();
    await vi.advanceTimersByTimeAsync(0);
    connection.disconnect();
    finishLoading(httpNetwork);
    await vi.advanceTimersByTimeAsync(0);
    expect(network.names()).toEqual(['ws']);
    expect(connection.state).toBe('disconnected');
  });
});
