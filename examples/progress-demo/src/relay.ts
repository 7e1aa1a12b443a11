import { createRelay, type Relay } from '@inloop/relay';
import type { DemoConfig } from './config.js';

/** Starts the self-hosted relay with the demo's one app. */
export async function startRelay(
  relay: DemoConfig['relay'],
  host = '127.0.0.1',
): Promise<{ relay: Relay; port: number }> {
  const server = await createRelay({
    apps: [{ id: relay.appId, key: relay.key, secret: relay.secret }],
    port: relay.port,
    host,
    logLevel: 'warn',
  });
  const { port } = await server.listen();
  return { relay: server, port };
}
