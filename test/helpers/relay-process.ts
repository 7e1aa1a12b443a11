import { type ChildProcess, fork } from 'node:child_process';
import { once } from 'node:events';

export interface RelayApp {
  appId: string;
  key: string;
  secret: string;
}

/** The relay as a child process (bundled demo relay-main), so a test can SIGKILL it and start it again. */
export class RelayProcess {
  port = 0;
  private child: ChildProcess | undefined;

  constructor(
    private readonly entry: string,
    readonly app: RelayApp,
  ) {}

  get running(): boolean {
    return this.child !== undefined && this.child.exitCode === null && this.child.signalCode === null;
  }

  /** Starts the relay on its previous port (a free one the first time); resolves once it listens. */
  async start(): Promise<number> {
    const child = fork(this.entry, [], {
      env: {
        ...process.env,
        RELAY_PORT: String(this.port),
        RELAY_APP_ID: this.app.appId,
        RELAY_KEY: this.app.key,
        RELAY_SECRET: this.app.secret,
      },
      stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
    });
    this.child = child;
    const listening = new Promise<number>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('the relay did not start within 30 s')), 30_000);
      child.on('message', (message: { tag?: string; port?: number }) => {
        if (message?.tag !== 'relay-listening' || typeof message.port !== 'number') return;
        clearTimeout(timer);
        resolve(message.port);
      });
      child.once('exit', (code, signal) => {
        clearTimeout(timer);
        reject(new Error(`the relay exited before listening (code ${code}, signal ${signal})`));
      });
    });
    this.port = await listening;
    return this.port;
  }

  /** Kills the relay without warning (SIGKILL): no close frames, connections just drop. */
  async kill(): Promise<void> {
    await this.signal('SIGKILL');
  }

  async stop(): Promise<void> {
    await this.signal('SIGTERM');
  }

  private async signal(signal: NodeJS.Signals): Promise<void> {
    const child = this.child;
    if (!child || !this.running) return;
    const exited = once(child, 'exit');
    child.kill(signal);
    await exited;
  }
}
