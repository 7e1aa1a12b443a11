import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RawClient } from './helpers.js';

const packageDir = join(dirname(fileURLToPath(import.meta.url)), '..');
const buildDir = join(packageDir, '.test-build');
const cliFile = join(buildDir, 'cli.mjs');
const children: ChildProcess[] = [];

beforeAll(async () => {
  mkdirSync(buildDir, { recursive: true });
  // Bundle the CLI from source (workspace packages through their `source` condition) so no build is needed.
  await build({
    entryPoints: [join(packageDir, 'src/cli.ts')],
    outfile: cliFile,
    bundle: true,
    platform: 'node',
    format: 'esm',
    conditions: ['source'],
    packages: 'bundle',
    external: ['fastify', 'ws', 'zod', 'pino', 'ioredis', 'prom-client'],
    logLevel: 'silent',
  });
});

afterAll(() => {
  for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
  rmSync(buildDir, { recursive: true, force: true });
});

function runCli(args: string[], env: Record<string, string> = {}) {
  const child = spawn(process.execPath, [cliFile, ...args], {
    env: { PATH: process.env.PATH, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (chunk) => (stdout += chunk));
  child.stderr?.on('data', (chunk) => (stderr += chunk));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const listening = new Promise<number>((resolve, reject) => {
    child.stdout?.on('data', () => {
      const match = /listening on http:\/\/[^:]+:(\d+)/.exec(stdout);
      if (match) resolve(Number(match[1]));
    });
    child.on('exit', () => reject(new Error(`exited before listening: ${stderr}`)));
  });
  listening.catch(() => {});
  return { child, exited, listening, output: () => ({ stdout, stderr }) };
}

describe('inloop-relay CLI', () => {
  it('prints where it listens, serves pusher clients, and on SIGTERM closes them with 4200 and exits 0', async () => {
    const cli = runCli(
      ['--port', '0', '--host', '127.0.0.1', '--app-id', 'a1', '--app-key', 'k1', '--app-secret', 's1'],
      {
        INLOOP_RELAY_LOG_LEVEL: 'warn',
      },
    );
    const port = await cli.listening;
    expect(cli.output().stdout).toContain(`ws://127.0.0.1:${port}/app/k1`);
    const health = await fetch(`http://127.0.0.1:${port}/health`);
    expect(await health.json()).toEqual({ status: 'ok' });
    expect((await fetch(`http://127.0.0.1:${port}/ready`)).status).toBe(200);

    const client = RawClient.forRelay(port, '/app/k1?protocol=7');
    await client.socketId();
    cli.child.kill('SIGTERM');
    expect(await client.closed()).toBe(4200);
    expect(await cli.exited).toBe(0);
  });

  it('reads its app from the environment', async () => {
    const cli = runCli([], {
      INLOOP_RELAY_APP_ID: 'e1',
      INLOOP_RELAY_APP_KEY: 'env-key',
      INLOOP_RELAY_APP_SECRET: 'env-secret',
      INLOOP_RELAY_PORT: '0',
      INLOOP_RELAY_HOST: '127.0.0.1',
      INLOOP_RELAY_LOG_LEVEL: 'silent',
    });
    const port = await cli.listening;
    const client = RawClient.forRelay(port, '/app/env-key?protocol=7');
    await client.socketId();
    client.close();
    cli.child.kill('SIGTERM');
    expect(await cli.exited).toBe(0);
  });

  it('exits 2 with one line per bad field for a bad configuration', async () => {
    const cli = runCli([], { INLOOP_RELAY_APPS: '[{"id": 1}]' });
    expect(await cli.exited).toBe(2);
    const { stderr } = cli.output();
    expect(stderr).toContain('apps[0].id:');
    expect(stderr).toContain('apps[0].key:');
    expect(stderr).toContain('apps[0].secret:');
  });

  it('serves every app of a --config file; flags win over the file', async () => {
    const configFile = join(buildDir, 'relay.json');
    writeFileSync(
      configFile,
      JSON.stringify({
        port: 1,
        host: '127.0.0.1',
        logLevel: 'silent',
        apps: [
          { id: 'f1', key: 'file-key-1', secret: 'file-secret-1' },
          { id: 'f2', key: 'file-key-2', secret: 'file-secret-2', enabled: false },
        ],
      }),
    );
    const cli = runCli(['--config', configFile, '--port', '0']);
    const port = await cli.listening;
    expect(cli.output().stdout).toContain(`ws://127.0.0.1:${port}/app/file-key-1`);
    expect(cli.output().stdout).toContain(`http://127.0.0.1:${port}/apps/f2`);
    const first = RawClient.forRelay(port, '/app/file-key-1?protocol=7');
    await first.socketId();
    expect(await RawClient.forRelay(port, '/app/file-key-2?protocol=7').closed()).toBe(4003);
    first.close();
    cli.child.kill('SIGTERM');
    expect(await cli.exited).toBe(0);
  });

  it('prints its usage for --help and exits 0', async () => {
    const cli = runCli(['--help']);
    expect(await cli.exited).toBe(0);
    expect(cli.output().stdout).toContain('Usage: inloop-relay');
    expect(cli.output().stdout).toContain('INLOOP_RELAY_APP_KEY');
  });

  it.each([
    ['an unknown flag', ['--app-idd', 'x'], {}, "'--app-idd'"],
    [
      'a port that is not a number',
      ['--port', 'six', '--app-id', 'a', '--app-key', 'k', '--app-secret', 's'],
      {},
      '--port',
    ],
    ['a config file that does not exist', ['--config', '/nonexistent/relay.json'], {}, 'cannot read it (ENOENT)'],
    ['no app at all', [], {}, 'apps'],
    [
      'a port out of range',
      [],
      { INLOOP_RELAY_APPS: '[{"id":"a","key":"k","secret":"s"}]', INLOOP_RELAY_PORT: '70000' },
      'port:',
    ],
    [
      'a bad boolean',
      [],
      {
        INLOOP_RELAY_APP_ID: 'a',
        INLOOP_RELAY_APP_KEY: 'k',
        INLOOP_RELAY_APP_SECRET: 's',
        INLOOP_RELAY_ENABLE_CLIENT_MESSAGES: 'maybe',
      },
      'INLOOP_RELAY_ENABLE_CLIENT_MESSAGES',
    ],
  ])('exits 2 with a clear message for %s', async (_what, args, env, message) => {
    // A free port in case the relay wrongly started.
    const cli = runCli(args, { INLOOP_RELAY_PORT: '0', INLOOP_RELAY_HOST: '127.0.0.1', ...env } as Record<
      string,
      string
    >);
    expect(await cli.exited).toBe(2);
    const { stderr } = cli.output();
    expect(stderr).toMatch(/^inloop-relay: /);
    expect(stderr).toContain(message);
    expect(stderr).not.toContain('    at ');
  });
});
