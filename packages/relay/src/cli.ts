#!/usr/bin/env node
import { cliConfig, USAGE } from './cli-options.js';
import { RelayConfigError } from './errors.js';
import { createRelay } from './relay.js';

async function main(): Promise<void> {
  const config = cliConfig(process.argv.slice(2), process.env);
  if (config === null) {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  const relay = await createRelay(config);
  const { port, host } = await relay.listen();
  const shown = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host;
  const apps = relay.config.apps.map(
    (app) =>
      `  app ${app.id}: websocket ws://${shown}:${port}/app/${app.key}, HTTP API http://${shown}:${port}/apps/${app.id}\n`,
  );
  process.stdout.write(`inloop-relay listening on http://${host}:${port}\n${apps.join('')}`);

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    relay.fastify.log.info({ signal }, 'closing connections (4200) and stopping');
    // A last resort if something holds the shutdown beyond its deadline.
    setTimeout(() => process.exit(1), relay.config.shutdownTimeoutMs + 5000).unref();
    relay.close({ graceful: true }).then(
      () => process.exit(0),
      (error: unknown) => {
        relay.fastify.log.error({ err: error }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}

main().catch((error: unknown) => {
  if (error instanceof RelayConfigError) {
    process.stderr.write(`inloop-relay: ${error.message}\n`);
    process.exit(2);
  }
  process.stderr.write(`inloop-relay: ${(error as Error).stack ?? String(error)}\n`);
  process.exit(1);
});
