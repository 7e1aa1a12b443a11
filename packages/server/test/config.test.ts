import { describe, expect, it } from 'vitest';
import { ConfigError, createNotifier, parseTransportConfig } from '@inloop/server';

const SECRET = 's3cr3t-VALUE';

function issuesOf(input: unknown): string[] {
  try {
    parseTransportConfig(input);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).code).toBe('INLOOP_CONFIG_INVALID');
    expect((error as Error).message).not.toContain(SECRET);
    for (const issue of (error as ConfigError).issues) expect(issue).not.toContain(SECRET);
    return (error as ConfigError).issues;
  }
  throw new Error('expected a ConfigError');
}

describe('transport URLs', () => {
  it('reads a pusher URL with a host', () => {
    expect(parseTransportConfig(`pusher://KEY:${SECRET}@api-eu.pusher.com/1234567`)).toEqual({
      transport: 'pusher',
      key: 'KEY',
      secret: SECRET,
      host: 'api-eu.pusher.com',
      appId: '1234567',
    });
  });

  it('reads a pusher URL with a cluster and options', () => {
    expect(parseTransportConfig(`pusher://KEY:${SECRET}@/42?cluster=eu&timeoutMs=5000&useTLS=false&batch=0`)).toEqual({
      transport: 'pusher',
      key: 'KEY',
      secret: SECRET,
      appId: '42',
      cluster: 'eu',
      timeoutMs: 5000,
      useTLS: false,
      batch: false,
    });
  });

  it('decodes percent-encoded secrets', () => {
    const config = parseTransportConfig('relay://my%20key:a%2Fb%40c@127.0.0.1:7000/app-1');
    expect(config).toMatchObject({ key: 'my key', secret: 'a/b@c', host: '127.0.0.1', port: 7000, appId: 'app-1' });
  });

  it('reads an ably URL with and without a host', () => {
    expect(parseTransportConfig(`ably://appid.keyid:${SECRET}@`)).toEqual({
      transport: 'ably',
      key: 'appid.keyid',
      secret: SECRET,
    });
    expect(parseTransportConfig(`ably://appid.keyid:${SECRET}@rest.example.com:8443?maxPayloadBytes=1000`)).toEqual({
      transport: 'ably',
      key: 'appid.keyid',
      secret: SECRET,
      host: 'rest.example.com',
      port: 8443,
      maxPayloadBytes: 1000,
    });
  });

  it('reads a relay URL, memory://, log:// and null://', () => {
    expect(parseTransportConfig(`relay://KEY:${SECRET}@127.0.0.1:6001/my-app?tls=true`)).toEqual({
      transport: 'relay',
      key: 'KEY',
      secret: SECRET,
      host: '127.0.0.1',
      port: 6001,
      appId: 'my-app',
      useTLS: true,
    });
    expect(parseTransportConfig('memory://')).toEqual({ transport: 'memory' });
    expect(parseTransportConfig('log://?level=warn')).toEqual({ transport: 'log', level: 'warn' });
    expect(parseTransportConfig('null://')).toEqual({ transport: 'null' });
  });

  it('accepts config objects', () => {
    expect(parseTransportConfig({ transport: 'pusher', appId: '1', key: 'k', secret: SECRET, cluster: 'us2' })).toEqual(
      { transport: 'pusher', appId: '1', key: 'k', secret: SECRET, cluster: 'us2' },
    );
  });
});

describe('config mistakes: one message each, naming the field, with an example', () => {
  it('an unknown scheme', () => {
    const [issue] = issuesOf(`pusherr://KEY:${SECRET}@api-eu.pusher.com/1`);
    expect(issue).toContain('"pusherr://" is not a transport');
    expect(issue).toContain('pusher://KEY:SECRET@api-eu.pusher.com/1234567');
  });

  it('a string that is not a URL', () => {
    const [issue] = issuesOf(`KEY:${SECRET}`);
    expect(issue).toMatch(/not a transport URL.*pusher:\/\//);
  });

  it('a pusher URL missing its app id, with neither cluster nor host', () => {
    const issues = issuesOf(`pusher://KEY:${SECRET}@`);
    expect(issues.sort()).toEqual([
      "pusher URL: the app id (the URL's path) is missing — e.g. pusher://KEY:SECRET@api-eu.pusher.com/1234567",
      'pusher URL: the cluster or host is missing: set a cluster or a host — e.g. pusher://KEY:SECRET@/1234567?cluster=eu',
    ]);
  });

  it('a pusher URL without a secret', () => {
    const issues = issuesOf('pusher://KEY@api-eu.pusher.com/1234567');
    expect(issues).toEqual([
      "pusher URL: the secret (the URL's password) is missing — e.g. pusher://KEY:SECRET@api-eu.pusher.com/1234567",
    ]);
  });

  it('a non-numeric pusher app id and a bad port', () => {
    const issues = issuesOf(`pusher://KEY:${SECRET}@api-eu.pusher.com:99999/my-app`);
    expect(issues).toHaveLength(2);
    expect(issues.join('\n')).toContain('the port must be between 1 and 65535');
    expect(issues.join('\n')).toContain("the app id (the URL's path) must be the numeric app id");
  });

  it('an unknown URL parameter', () => {
    const issues = issuesOf(`relay://KEY:${SECRET}@127.0.0.1/app?timeout=5`);
    expect(issues).toHaveLength(1);
    expect(issues[0]).toMatch(/relay URL: \?timeout= is not a setting; the settings are .*\?timeoutMs=/);
  });

  it('an ably key without the app id part', () => {
    const [issue] = issuesOf(`ably://keyid:${SECRET}@`);
    expect(issue).toContain('must be the API key name, APP_ID.KEY_ID');
    expect(issue).toContain('ably://APP_ID.KEY_ID:SECRET@');
  });

  it('a bad boolean and a bad number in a URL', () => {
    const issues = issuesOf(`relay://KEY:${SECRET}@127.0.0.1/app?useTLS=yes&maxPayloadBytes=-5`);
    expect(issues).toHaveLength(2);
    expect(issues.join('\n')).toContain('the ?useTLS= parameter must be true or false');
    expect(issues.join('\n')).toContain('the ?maxPayloadBytes= parameter must be above 0');
  });

  it('settings given to memory://', () => {
    const [issue] = issuesOf('memory://somewhere');
    expect(issue).toBe('memory URL takes no settings; write just memory://');
  });

  it('objects: missing transport, unknown transport, missing and misspelled fields', () => {
    expect(issuesOf({ appId: '1' })).toEqual([
      "transport is missing; use one of 'pusher', 'ably', 'relay', 'memory', 'log', 'null' — e.g. { transport: 'pusher', ... }",
    ]);
    expect(issuesOf({ transport: 'pusherapp' })[0]).toContain('is not a known transport');
    const issues = issuesOf({ transport: 'pusher', appID: '1', key: 'k', secret: SECRET, cluster: 'eu' });
    expect(issues).toEqual([
      "pusher config: appId is missing — e.g. { transport: 'pusher', appId: '1234567' }",
      expect.stringMatching(/^pusher config: appID is not a setting; the settings are appId, key, secret/),
    ]);
    expect(issuesOf({ transport: 'relay', appId: 'a', key: 'k', secret: 42, host: 'h' })).toEqual([
      "relay config: secret must be a string — e.g. { transport: 'relay', secret: '<app secret>' }",
    ]);
  });

  it('no config at all', () => {
    const previous = process.env.INLOOP_URL;
    delete process.env.INLOOP_URL;
    try {
      expect(() => createNotifier()).toThrow(/no transport given.*INLOOP_URL=pusher:\/\//);
    } finally {
      if (previous !== undefined) process.env.INLOOP_URL = previous;
    }
  });

  it('reads INLOOP_URL by default', async () => {
    const previous = process.env.INLOOP_URL;
    process.env.INLOOP_URL = 'memory://';
    try {
      const notifier = createNotifier();
      expect(notifier.transport.kind).toBe('memory');
      await notifier.close();
    } finally {
      if (previous === undefined) delete process.env.INLOOP_URL;
      else process.env.INLOOP_URL = previous;
    }
  });
});
