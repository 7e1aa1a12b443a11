import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import type { Adapter } from './adapter.js';
import type { AdapterConfigInput } from './adapters/adapter-config.js';
import { createAdapter, isAdapter } from './adapters/create-adapter.js';
import { parseRelayConfig } from './config.js';
import type { RelayConfig, RelayConfigInput } from './config-schema.js';
import type { RelayCore } from './connection.js';
import { registerHealthRoutes } from './health.js';
import { httpApiPlugin } from './http-api/index.js';
import { registerHttpFallback } from './http-fallback/index.js';
import type { AppRateLimiter } from './limits/app-rate-limiter.js';
import { createAppRateLimiter } from './limits/create-app-rate-limiter.js';
import { isHookable } from './metrics/adapter-hooks.js';
import { registerMetricsRoute } from './metrics/metrics-route.js';
import { RelayMetrics } from './metrics/relay-metrics.js';
import { trackQuietSockets } from './quiet-sockets.js';
import { RelayCoreImpl } from './relay-core.js';
import { type CloseOptions, closeRelay, ShutdownHooks } from './shutdown.js';
import { WebhookDispatcher } from './webhooks/webhook-dispatcher.js';
import { WebsocketTransport } from './websocket-transport.js';

export interface RelayOptions extends Omit<RelayConfigInput, 'adapter'> {
  /**
   * Logging: `false` for none (tests), `true` for pino at `logLevel`, or a pino-compatible
   * logger instance. Default: pino at `logLevel`.
   */
  logger?: boolean | FastifyBaseLogger;
  /**
   * Channel state and fan-out: an adapter instance, or its configuration, e.g.
   * `{ driver: 'redis', url: 'redis://127.0.0.1:6379', prefix: 'my-cluster' }`.
   * Default `{ driver: 'local' }` (one process).
   */
  adapter?: Adapter | AdapterConfigInput;
  /** Per-app rates (backend events, API reads); default: in Redis with the `redis` adapter (across nodes), else in this process. */
  rateLimiter?: AppRateLimiter;
}

export interface Relay {
  readonly config: RelayConfig;
  /** What transports attach to (see connection.ts). */
  readonly core: RelayCore;
  readonly fastify: FastifyInstance;
  /** Prometheus metrics (also served at `GET /metrics`). */
  readonly metrics: RelayMetrics;
  /** Webhook queues; `flush()` sends what is queued now and resolves when it is delivered or given up. */
  readonly webhooks: Pick<WebhookDispatcher, 'flush'>;
  listen(options?: { port?: number; host?: string }): Promise<{ port: number; host: string }>;
  /** Pending work a graceful close finishes after the clients left (see shutdown.ts). */
  readonly shutdownHooks: ShutdownHooks;
  /** Closes every connection with 4200 (reconnect now), then the HTTP server and the adapter; see CloseOptions. */
  close(options?: CloseOptions): Promise<void>;
}

/** Largest websocket frame ws accepts before dropping the socket; smaller frames over the app limit get pusher:error. */
const HARD_FRAME_LIMIT_FACTOR = 4;

function fastifyLogger(options: RelayOptions, config: RelayConfig) {
  if (options.logger === false) return { logger: false as const };
  if (options.logger === undefined || options.logger === true) return { logger: { level: config.logLevel } };
  return { loggerInstance: options.logger };
}

export async function createRelay(options: RelayOptions): Promise<Relay> {
  const { logger: _logger, adapter: givenAdapter, rateLimiter, ...rest } = options;
  const config = parseRelayConfig(
    givenAdapter === undefined || isAdapter(givenAdapter) ? rest : { ...rest, adapter: givenAdapter },
  );
  const fastify = Fastify({ ...fastifyLogger(options, config), bodyLimit: config.maxHttpBodyBytes });
  const adapter = isAdapter(givenAdapter) ? givenAdapter : await createAdapter(config.adapter, fastify.log);
  const shutdownHooks = new ShutdownHooks();
  const rates = rateLimiter
    ? { limiter: rateLimiter, close: async () => {} }
    : await createAppRateLimiter(config.adapter, fastify.log);
  // Read at scrape time only, when `core` exists.
  const metrics: RelayMetrics = new RelayMetrics({
    get connections(): RelayCoreImpl['connections'] {
      return core.connections;
    },
  });
  const webhooks = new WebhookDispatcher(config.apps, config.webhookDelivery, fastify.log, metrics);
  shutdownHooks.add('webhooks', () => webhooks.flush());
  if (isHookable(adapter)) {
    adapter.attachHooks({
      channelEvents: webhooks,
      roundTrip: (operation, seconds) => metrics.adapterRoundTrip(operation, seconds),
    });
  }
  const core: RelayCoreImpl = new RelayCoreImpl(config, adapter, fastify.log, {
    channelEvents: webhooks,
    rateLimiter: rates.limiter,
    metrics,
  });
  const largestFrame = Math.max(...config.apps.map((app) => app.limits.maxFrameBytes));
  const websockets = new WebsocketTransport(
    core,
    fastify.log,
    Math.max(64 * 1024, largestFrame * HARD_FRAME_LIMIT_FACTOR),
  );
  websockets.attach(fastify.server);

  registerHealthRoutes(fastify, core);
  registerMetricsRoute(fastify, metrics);
  await fastify.register(httpApiPlugin, { core });
  await registerHttpFallback(fastify, core);
  const quietSockets = trackQuietSockets(fastify.server);
  fastify.addHook('preClose', (done) => {
    quietSockets.destroyQuiet();
    done();
  });
  core.startActivityChecks();

  let closed: Promise<void> | undefined;
  return {
    config,
    core,
    fastify,
    metrics,
    webhooks,
    async listen(listenOptions = {}) {
      const port = listenOptions.port ?? config.port;
      const host = listenOptions.host ?? config.host;
      await fastify.listen({ port, host });
      const address = fastify.server.address();
      const boundPort = typeof address === 'object' && address ? address.port : port;
      return { port: boundPort, host };
    },
    shutdownHooks,
    close(closeOptions = {}) {
      closed ??= closeRelay(
        {
          core,
          fastify,
          hooks: shutdownHooks,
          terminateWebsockets: () => websockets.close(),
          release: async () => {
            await webhooks.close();
            await rates.close();
            await adapter.close();
          },
        },
        closeOptions,
        config.shutdownTimeoutMs,
      );
      return closed;
    },
  };
}
