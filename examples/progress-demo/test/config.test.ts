import { describe, expect, it } from 'vitest';
import { pageTransportOf } from '../src/client-config.js';
import { configFromEnv } from '../src/config.js';
import { DemoError, DemoErrorCode } from '../src/errors.js';
import { userFromCookieHeader } from '../src/user-cookie.js';

describe('demo settings', () => {
  it('defaults to the embedded relay on 6001 and the app on 3000', () => {
    const config = configFromEnv({});
    expect(config).toMatchObject({ port: 3000, embeddedRelay: true, maxReceiveCount: 3 });
    expect(config.inloopUrl).toBe('relay://demo-key:demo-secret@127.0.0.1:6001/inloop-demo');
  });

  it('uses INLOOP_URL when set, without a relay of its own', () => {
    const config = configFromEnv({ INLOOP_URL: 'pusher://k:s@api-eu.pusher.com/1' });
    expect(config).toMatchObject({ embeddedRelay: false, inloopUrl: 'pusher://k:s@api-eu.pusher.com/1' });
  });

  it('names each bad variable in a DEMO_CONFIG_INVALID error', () => {
    let thrown: unknown;
    try {
      configFromEnv({ DEMO_PORT: 'eighty', DEMO_MAX_RECEIVE_COUNT: '0' });
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(DemoError);
    expect((thrown as DemoError).code).toBe(DemoErrorCode.ConfigInvalid);
    expect((thrown as DemoError).message).toMatch(/DEMO_PORT/);
    expect((thrown as DemoError).message).toMatch(/DEMO_MAX_RECEIVE_COUNT/);
  });
});

describe('what the page connects to', () => {
  it('reaches a local relay at the host name the page was opened with', () => {
    expect(pageTransportOf('relay://key:secret@127.0.0.1:6100/app')).toEqual({
      kind: 'relay',
      key: 'key',
      wsHost: null,
      wsPort: 6100,
      forceTLS: false,
    });
  });

  it('takes the Pusher cluster from the REST host, mt1 for the default host', () => {
    expect(pageTransportOf('pusher://key:secret@api-ap1.pusher.com/42')).toEqual({
      kind: 'pusher',
      key: 'key',
      cluster: 'ap1',
    });
    expect(pageTransportOf('pusher://key:secret@api.pusherapp.com/42')).toMatchObject({ cluster: 'mt1' });
  });

  it('falls back to polling for transports a browser cannot listen to', () => {
    expect(pageTransportOf('memory://')).toEqual({ kind: 'none', transport: 'memory' });
  });
});

describe('the demo user cookie', () => {
  it('reads a well-formed user id and ignores anything else', () => {
    expect(userFromCookieHeader('a=1; demo_user=user-0123456789ab; b=2')).toBe('user-0123456789ab');
    expect(userFromCookieHeader('demo_user=admin')).toBeUndefined();
    expect(userFromCookieHeader('demo_user=user-00000000%3Bx')).toBeUndefined();
    expect(userFromCookieHeader(undefined)).toBeUndefined();
  });
});
