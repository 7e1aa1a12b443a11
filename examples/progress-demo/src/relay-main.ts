// The relay alone, as its own process (the end-to-end tests kill and restart it). Settings: RELAY_* (config.ts).
import { configFromEnv } from './config.js';
import { createLogger } from './log.js';
import { startRelay } from './relay.js';

const logger = createLogger('relay');
const { relay: settings } = configFromEnv();
const { relay, port } = await startRelay(settings);
logger.info({ event: 'listening', port }, `relay listening on ${port}`);
process.send?.({ tag: 'relay-listening', port });

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    relay.close().finally(() => process.exit(0));
  });
}
