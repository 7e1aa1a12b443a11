import { parseArgs } from 'node:util';
import { redisAdapterFromFlags } from './adapters/adapter-config.js';
import { configFromEnv, readConfigFile } from './config.js';
import type { RelayConfigInput } from './config-schema.js';
import { RelayConfigError } from './errors.js';

export const USAGE = `Usage: inloop-relay [options]

  --config FILE               JSON config file ({ "apps": [{ "id", "key", "secret", ... }], "port", ... })
  --port N                    port to listen on (default 6001)
  --host HOST                 address to listen on (default 0.0.0.0)
  --app-id ID --app-key KEY --app-secret SECRET
                              one app, instead of a config file
  --enable-client-messages    allow client-* events for that app
  --log-level LEVEL           fatal, error, warn, info (default), debug, trace, silent
  --redis-url URL             share channels with other relays through Redis (redis://host:6379)
  --redis-prefix PREFIX       Redis key prefix: relays with the same prefix form one cluster
  -h, --help                  this help

Environment: INLOOP_RELAY_CONFIG, INLOOP_RELAY_APPS (JSON array), INLOOP_RELAY_APP_ID,
INLOOP_RELAY_APP_KEY, INLOOP_RELAY_APP_SECRET, INLOOP_RELAY_ENABLE_CLIENT_MESSAGES,
INLOOP_RELAY_PORT, INLOOP_RELAY_HOST, INLOOP_RELAY_LOG_LEVEL, INLOOP_RELAY_REDIS_URL,
INLOOP_RELAY_REDIS_PREFIX. Flags win over the environment, the environment over the config file.

On SIGTERM the relay stops accepting, closes its connections with 4200 (clients reconnect, to
another node behind a load balancer), flushes webhooks and exits within shutdownTimeoutMs.`;

/** The relay configuration from flags, environment and config file (not validated yet); null for --help. */
export function cliConfig(argv: string[], env: NodeJS.ProcessEnv): RelayConfigInput | null {
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse(argv);
  } catch (error) {
    throw new RelayConfigError([`${(error as Error).message} (see --help)`]);
  }
  const { values } = parsed;
  if (values.help) return null;
  const fromFile = values.config ? readConfigFile(values.config) : {};
  const config: Record<string, unknown> = { ...fromFile, ...configFromEnv(env) };
  if (values['app-id'] || values['app-key'] || values['app-secret']) {
    config.apps = [
      {
        id: values['app-id'],
        key: values['app-key'],
        secret: values['app-secret'],
        enableClientMessages: values['enable-client-messages'] ?? false,
      },
    ];
  }
  if (values.port !== undefined) {
    const port = Number(values.port);
    if (!Number.isInteger(port)) throw new RelayConfigError([`--port: "${values.port}" is not a whole number`]);
    config.port = port;
  }
  if (values.host !== undefined) config.host = values.host;
  if (values['log-level'] !== undefined) config.logLevel = values['log-level'];
  const adapter = redisAdapterFromFlags(
    values['redis-url'] ?? env.INLOOP_RELAY_REDIS_URL,
    values['redis-prefix'] ?? env.INLOOP_RELAY_REDIS_PREFIX,
    config.adapter,
  );
  if (adapter) config.adapter = adapter;
  return config as RelayConfigInput;
}

function parse(argv: string[]) {
  return parseArgs({
    args: argv,
    strict: true,
    options: {
      config: { type: 'string' },
      port: { type: 'string' },
      host: { type: 'string' },
      'app-id': { type: 'string' },
      'app-key': { type: 'string' },
      'app-secret': { type: 'string' },
      'enable-client-messages': { type: 'boolean' },
      'log-level': { type: 'string' },
      'redis-url': { type: 'string' },
      'redis-prefix': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
}
