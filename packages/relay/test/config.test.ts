import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cliConfig } from '../src/cli-options.js';
import { configFromEnv, createRelay, parseRelayConfig, RelayConfigError } from '../src/index.js';

const dir = mkdtempSync(join(tmpdir(), 'inloop-relay-config-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function problemsOf(fn: () => unknown): string[] {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(RelayConfigError);
    expect((error as RelayConfigError).code).toMatch(/^INLOOP_CONFIG_/);
    return (error as RelayConfigError).problems;
  }
  throw new Error('expected a RelayConfigError');
}

describe('relay configuration', () => {
  it('fills defaults: port 6001, client events off, Pusher limits', () => {
    const config = parseRelayConfig({ apps: [{ id: '1', key: 'k', secret: 's' }] });
    expect(config.port).toBe(6001);
    expect(config.apps[0]).toMatchObject({
      enabled: true,
      enableClientMessages: false,
      limits: { maxPayloadBytes: 10240, maxChannelsPerTrigger: 100, maxBatchSize: 10 },
    });
  });

  it('names every bad field once, without echoing the secret', () => {
    const problems = problemsOf(() =>
      parseRelayConfig({
        apps: [
          { id: '1', key: 'k', secret: 'hunter2', limits: { maxBatchSize: 0 } },
          { id: 2, secret: 's' },
        ],
        port: 70000,
      }),
    );
    expect(problems).toEqual([
      expect.stringMatching(/^apps\[0\]\.limits\.maxBatchSize: /),
      expect.stringMatching(/^apps\[1\]\.id: /),
      expect.stringMatching(/^apps\[1\]\.key: /),
      expect.stringMatching(/^port: /),
    ]);
    expect(problems.join('\n')).not.toContain('hunter2');
  });

  it('refuses duplicate app keys and an empty app list', () => {
    expect(
      problemsOf(() =>
        parseRelayConfig({
          apps: [
            { id: '1', key: 'k', secret: 's' },
            { id: '2', key: 'k', secret: 's' },
          ],
        }),
      ),
    ).toEqual(['apps[1].key: duplicate app key']);
    expect(problemsOf(() => parseRelayConfig({ apps: [] }))).toEqual([
      'apps: configure at least one app (id, key, secret)',
    ]);
  });

  it('createRelay refuses a bad configuration before listening', async () => {
    await expect(createRelay({ logger: false, apps: [{ id: '', key: 'k', secret: 's' }] })).rejects.toThrow(
      /apps\[0\]\.id/,
    );
  });

  it('reads one app and the port from the environment', () => {
    const config = configFromEnv({
      INLOOP_RELAY_APP_ID: '9',
      INLOOP_RELAY_APP_KEY: 'env-key',
      INLOOP_RELAY_APP_SECRET: 'env-secret',
      INLOOP_RELAY_ENABLE_CLIENT_MESSAGES: 'true',
      INLOOP_RELAY_PORT: '7001',
    });
    expect(parseRelayConfig(config)).toMatchObject({
      port: 7001,
      apps: [{ id: '9', key: 'env-key', enableClientMessages: true }],
    });
    expect(problemsOf(() => configFromEnv({ INLOOP_RELAY_PORT: 'abc' }))).toEqual([
      'INLOOP_RELAY_PORT: "abc" is not a number',
    ]);
  });

  it('reads a JSON config file; flags win over it', () => {
    const file = join(dir, 'relay.json');
    writeFileSync(file, JSON.stringify({ port: 7100, apps: [{ id: 'f', key: 'file-key', secret: 's' }] }));
    expect(parseRelayConfig(cliConfig(['--config', file], {}))).toMatchObject({
      port: 7100,
      apps: [{ key: 'file-key' }],
    });
    expect(parseRelayConfig(cliConfig(['--config', file, '--port', '7200'], {}))).toMatchObject({ port: 7200 });
  });

  it('explains an unreadable or invalid config file and an unknown flag', () => {
    expect(problemsOf(() => cliConfig(['--config', join(dir, 'missing.json')], {}))[0]).toContain('cannot read it');
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, '{ nope');
    expect(problemsOf(() => cliConfig(['--config', bad], {}))[0]).toContain('not valid JSON');
    expect(problemsOf(() => cliConfig(['--colour'], {}))[0]).toContain('--colour');
  });
});
