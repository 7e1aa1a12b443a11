import { parseTransportConfig } from '../config/parse-config.js';
import { parseTransportList, type TransportListConfig } from '../config/parse-transport-list.js';
import {
  ABLY_MAX_PAYLOAD_BYTES,
  PUSHER_MAX_PAYLOAD_BYTES,
  RELAY_DEFAULT_MAX_PAYLOAD_BYTES,
  RELAY_DEFAULT_PORT,
  type TransportConfig,
  type TransportConfigInput,
} from '../config/schema.js';
import { createDeliveringTransport } from '../delivery/delivering-transport.js';
import type { ProviderDriver } from '../delivery/driver.js';
import { DEFAULT_RETRY_POLICY, type RetryHooks, type RetryPolicy } from '../delivery/retry.js';
import { ConfigError } from '../errors.js';
import type { Logger } from '../logger.js';
import { createAblyDriver } from './ably.js';
import { createFailoverTransport } from './failover.js';
import { createFanOutTransport } from './fan-out.js';
import type { ModuleImporter } from './load-provider.js';
import { createLogTransport } from './log.js';
import { createMemoryTransport } from './memory.js';
import { createNullTransport } from './null.js';
import { createPusherDriver } from './pusher.js';
import type { Transport } from './transport.js';

/** A URL string, a config object or a ready Transport. */
export type TransportSpec = string | TransportConfigInput | Transport;
/** Several transports: all at once (`fanOut`), or one at a time in order (`failover`); lists may nest. */
export type TransportList =
  | { fanOut: (TransportSpec | TransportList)[] }
  | { failover: (TransportSpec | TransportList)[]; coolDownMs?: number | string };
/** One transport, or several: a plain array fans out to all, like `{ fanOut: [...] }`. */
export type TransportInput = TransportSpec | TransportSpec[] | TransportList;

export interface TransportFactoryOptions {
  logger: Logger;
  /** Overrides of the delivery retry policy (the config's `retries` wins for the count). */
  retry?: Partial<RetryPolicy>;
  /** For tests: replaces the sleeping between retries and the jitter. */
  retryHooks?: RetryHooks;
  /** For tests: replaces how provider libraries are imported. */
  importer?: ModuleImporter;
  /** For tests: the clock failover cool-downs are measured on. */
  now?: () => number;
}

const DEFAULT_TIMEOUT_MS = 10_000;

export function isTransport(value: unknown): value is Transport {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as Transport).trigger === 'function' &&
    typeof (value as Transport).kind === 'string'
  );
}

export function createTransport(input: TransportInput, options: TransportFactoryOptions): Transport {
  if (isTransport(input)) return input;
  const list = parseTransportList(input);
  if (list) return transportFromList(list, options);
  return transportFromConfig(parseTransportConfig(input), options);
}

function transportFromList(list: TransportListConfig, options: TransportFactoryOptions): Transport {
  const issues: string[] = [];
  const transports = list.entries.flatMap((entry, index) => {
    try {
      return [createTransport(entry as TransportInput, options)];
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error;
      issues.push(...error.issues.map((issue) => `${list.label}[${index}]: ${issue}`));
      return [];
    }
  });
  if (issues.length > 0) throw new ConfigError(issues);
  if (transports.length === 1) return transports[0]!;
  if (list.mode === 'fanOut') return createFanOutTransport(transports, options.logger);
  return createFailoverTransport(transports, { logger: options.logger, coolDownMs: list.coolDownMs, now: options.now });
}

function transportFromConfig(config: TransportConfig, options: TransportFactoryOptions): Transport {
  switch (config.transport) {
    case 'memory':
      return createMemoryTransport();
    case 'log':
      return createLogTransport(options.logger, config.level);
    case 'null':
      return createNullTransport();
    case 'pusher':
      return deliver(
        createPusherDriver({
          kind: 'pusher',
          appId: config.appId,
          key: config.key,
          secret: config.secret,
          host: config.host ?? `api-${config.cluster}.pusher.com`,
          port: config.port,
          useTLS: config.useTLS ?? true,
          timeoutMs: config.timeoutMs ?? DEFAULT_TIMEOUT_MS,
          maxPayloadBytes: config.maxPayloadBytes ?? PUSHER_MAX_PAYLOAD_BYTES,
          encryptionMasterKeyBase64: config.encryptionMasterKeyBase64,
          importer: options.importer,
        }),
        config,
        options,
      );
    case 'relay':
      return deliver(
        createPusherDriver({
          kind: 'relay',
          appId: config.appId,
          key: config.key,
          secret: config.secret,
          host: config.host,
          port: config.port ?? RELAY_DEFAULT_PORT,
          useTLS: config.useTLS ?? false,
          timeoutMs: config.timeoutMs ?? DEFAULT_TIMEOUT_MS,
          maxPayloadBytes: config.maxPayloadBytes ?? RELAY_DEFAULT_MAX_PAYLOAD_BYTES,
          importer: options.importer,
        }),
        config,
        options,
      );
    case 'ably':
      return deliver(
        createAblyDriver({
          key: config.key,
          secret: config.secret,
          host: config.host,
          port: config.port,
          useTLS: config.useTLS ?? true,
          timeoutMs: config.timeoutMs ?? DEFAULT_TIMEOUT_MS,
          maxPayloadBytes: config.maxPayloadBytes ?? ABLY_MAX_PAYLOAD_BYTES,
          logger: options.logger,
          importer: options.importer,
        }),
        config,
        options,
      );
  }
}

function deliver(
  driver: ProviderDriver,
  config: { retries?: number; batch?: boolean },
  options: TransportFactoryOptions,
): Transport {
  const retry: RetryPolicy = { ...DEFAULT_RETRY_POLICY, ...options.retry };
  if (config.retries !== undefined) retry.retries = config.retries;
  return createDeliveringTransport(driver, {
    retry,
    batch: config.batch ?? true,
    logger: options.logger,
    hooks: options.retryHooks,
  });
}
