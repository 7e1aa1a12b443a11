import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import PusherServer from 'pusher';
import { APP, type RunningRelay } from '../helpers.js';
import { REDIS_URL } from './redis-keys.js';

const packageDir = join(dirname(fileURLToPath(import.meta.url)), '../..');

/** The relay CLI bundled from source (no build needed), in a directory of its own. */
export class CliBundle {
  readonly dir = join(packageDir, `.test-build-cluster-${randomBytes(4).toString('hex')}`);
  readonly file = join(this.dir, 'cli.mjs');
  readonly #children = new Set<ChildProcess>();

  async build(): Promise<this> {
    mkdirSync(this.dir, { recursive: true });
    await build({
      entryPoints: [join(packageDir, 'src/cli.ts')],
      outfile: this.file,
      bundle: true,
      platform: 'node',
      format: 'esm',
      conditions: ['source'],
      packages: 'bundle',
      external: ['fastify', 'ws', 'zod', 'pino', 'ioredis', 'prom-client'],
      logLevel: 'silent',
    });
    return this;
  }

  /** Starts a relay process in the cluster of `prefix`. */
  async start(options: ClusterNodeOptions): Promise<RelayProcess> {
    const config = {
      apps: [{ ...APP, enableClientMessages: true }],
      adapter: {
        driver: 'redis',
        url: options.redisUrl ?? REDIS_URL,
        prefix: options.prefix,
        heartbeatMs: options.heartbeatMs ?? 1000,
        nodeExpiryMs: options.nodeExpiryMs ?? 10_000,
      },
      shutdownTimeoutMs: options.shutdownTimeoutMs ?? 10_000,
    };
    const configFile = join(this.dir, `relay-${randomBytes(4).toString('hex')}.json`);
    writeFileSync(configFile, JSON.stringify(config));
    const child = spawn(
      process.execPath,
      [this.file, '--config', configFile, '--port', String(options.port ?? 0), '--host', '127.0.0.1'],
      {
        env: { PATH: process.env.PATH, INLOOP_RELAY_LOG_LEVEL: options.logLevel ?? 'warn' },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    this.#children.add(child);
    return RelayProcess.whenListening(child);
  }

  /** Kills what is still running and removes the bundle. */
  cleanup(): void {
    for (const child of this.#children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    rmSync(this.dir, { recursive: true, force: true });
  }
}

export interface ClusterNodeOptions {
  prefix: string;
  redisUrl?: string;
  heartbeatMs?: number;
  nodeExpiryMs?: number;
  shutdownTimeoutMs?: number;
  port?: number;
  /** Default `warn`. */
  logLevel?: string;
}

/** One relay CLI process. */
export class RelayProcess {
  stdout = '';
  stderr = '';
  readonly exited: Promise<number | null>;
  port = 0;
  server!: PusherServer;

  private constructor(readonly child: ChildProcess) {
    child.stdout?.on('data', (chunk) => {
      this.stdout += chunk;
    });
    child.stderr?.on('data', (chunk) => {
      this.stderr += chunk;
    });
    this.exited = new Promise((resolve) => child.on('exit', (code) => resolve(code)));
  }

  static async whenListening(child: ChildProcess): Promise<RelayProcess> {
    const relay = new RelayProcess(child);
    relay.port = await new Promise<number>((resolve, reject) => {
      child.stdout?.on('data', () => {
        const match = /listening on http:\/\/[^:]+:(\d+)/.exec(relay.stdout);
        if (match) resolve(Number(match[1]));
      });
      child.on('exit', (code) => reject(new Error(`relay exited (${code}) before listening: ${relay.stderr}`)));
    });
    relay.server = new PusherServer({
      appId: APP.id,
      key: APP.key,
      secret: APP.secret,
      host: '127.0.0.1',
      port: String(relay.port),
      useTLS: false,
    });
    return relay;
  }

  /** A running-relay shape for the pusher-js helpers of ../helpers.ts. */
  get running(): RunningRelay {
    return { port: this.port, server: this.server, relay: { config: { apps: [APP] } } } as unknown as RunningRelay;
  }

  kill(signal: NodeJS.Signals): Promise<number | null> {
    this.child.kill(signal);
    return this.exited;
  }
}
