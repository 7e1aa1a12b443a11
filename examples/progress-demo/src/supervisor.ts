import { type ChildProcess, fork } from 'node:child_process';
import { EventEmitter } from 'node:events';
import { createInterface } from 'node:readline';
import type { TaskStore } from '@inloop/server';
import type { DemoLogger } from './log.js';
import { serveStoreOverIpc } from './store-ipc.js';

export interface SupervisorOptions {
  /** The worker's entry file (dist/worker-main.js). */
  entry: string;
  env: Record<string, string>;
  /** The store the worker reaches over IPC. */
  store: TaskStore;
  restartDelayMs: number;
  logger: DemoLogger;
  execArgv?: string[];
  /** Ms stop() waits after SIGTERM before SIGKILL. */
  stopTimeoutMs?: number;
}

export interface SupervisorEvents {
  spawn: [pid: number];
  exit: [code: number | null, signal: NodeJS.Signals | null];
  /** Each line the worker writes, stdout or stderr. */
  line: [line: string];
}

/** Runs the worker as a child process and starts a new one whenever it dies, until stop(). */
export class WorkerSupervisor extends EventEmitter<SupervisorEvents> {
  private child: ChildProcess | undefined;
  private stopped = false;
  private restartTimer: NodeJS.Timeout | undefined;

  constructor(private readonly options: SupervisorOptions) {
    super();
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }

  start(): void {
    this.stopped = false;
    this.spawn();
  }

  /** Sends a signal to the current worker (the demo restarts it if it dies). */
  kill(signal: NodeJS.Signals): boolean {
    return this.child?.kill(signal) ?? false;
  }

  /** Stops the worker gracefully (SIGTERM, then SIGKILL after stopTimeoutMs) and does not restart it. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.restartTimer) clearTimeout(this.restartTimer);
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), this.options.stopTimeoutMs ?? 10_000);
    await exited;
    clearTimeout(timer);
  }

  private spawn(): void {
    const { logger } = this.options;
    const child = fork(this.options.entry, [], {
      env: { ...process.env, ...this.options.env },
      execArgv: this.options.execArgv ?? [],
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    });
    this.child = child;
    const stopServing = serveStoreOverIpc(this.options.store, child);
    for (const stream of [child.stdout, child.stderr]) {
      if (stream) createInterface({ input: stream }).on('line', (line) => this.emit('line', line));
    }
    child.once('spawn', () => {
      if (child.pid !== undefined) this.emit('spawn', child.pid);
    });
    child.once('error', (error) => logger.error({ err: error }, 'could not start the worker'));
    child.once('exit', (code, signal) => {
      stopServing();
      this.emit('exit', code, signal);
      if (this.stopped) return;
      logger.warn({ code, signal, restartInMs: this.options.restartDelayMs }, 'the worker died; starting a new one');
      this.restartTimer = setTimeout(() => this.spawn(), this.options.restartDelayMs);
    });
  }
}
