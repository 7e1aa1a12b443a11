import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync, rmSync } from 'node:fs';
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
});
