import type * as AblyLib from 'ably';
import type { EncodedEvent, ProviderDriver } from '../delivery/driver.js';
import { isRetryableStatus } from '../delivery/http-post.js';
import { DeliveryError } from '../errors.js';
import type { Logger } from '../logger.js';
import { loadProvider, type ModuleImporter } from './load-provider.js';
import type { TokenRequestParams } from './transport.js';

export interface AblyDriverOptions {
  key: string;
  secret: string;
  host?: string;
  port?: number;
  useTLS: boolean;
  timeoutMs: number;
  maxPayloadBytes: number;
  logger: Logger;
  importer?: ModuleImporter;
}

/** Ably's batch publish takes at most 100 channels per request. */
export const ABLY_MAX_BATCH_SIZE = 100;

interface AblyErrorLike {
  statusCode?: number;
  code?: number;
  message?: string;
}

function toDeliveryError(error: unknown, label: string): DeliveryError {
  const info = (error ?? {}) as AblyErrorLike;
  const status = typeof info.statusCode === 'number' ? info.statusCode : undefined;
  const detail = info.message ? `: ${info.message}` : '';
  return new DeliveryError(
    `ably: ${label} ${status ? `answered ${status}` : 'failed'}${detail}`,
    'ably',
    status,
    status === undefined || isRetryableStatus(status),
    undefined,
    { cause: error },
  );
}

type BatchResult = AblyLib.BatchResult<AblyLib.BatchPublishSuccessResult | AblyLib.BatchPublishFailureResult>;

/** The first per-channel failure of a batch publish; an answer of another shape counts as success. */
function firstFailure(results: BatchResult[] | undefined): AblyLib.ErrorInfo | undefined {
  if (!Array.isArray(results)) return undefined;
  for (const result of results) {
    if (!result || !(result.failureCount > 0) || !Array.isArray(result.results)) continue;
    for (const entry of result.results) if (entry && 'error' in entry) return entry.error;
  }
  return undefined;
}

const isPlainObject = (value: unknown): boolean =>
  typeof value === 'object' && value !== null && Object.getPrototypeOf(value) === Object.prototype;

/**
 * Ably carries strings, plain objects and arrays as they are; any other JSON value (a number, true, null)
 * goes as its JSON text marked `encoding: 'json'`, which Ably's clients decode back to the value.
 */
function ablyMessage(name: string, data: unknown, encoded: string): AblyLib.Message {
  if (typeof data === 'string' || Array.isArray(data) || isPlainObject(data)) return { name, data };
  return { name, data: encoded, encoding: 'json' };
}

/**
 * Ably through the official `ably` library's REST client. inloop's delivery policy does the retrying,
 * so the library's own retries to fallback hosts are turned off (pass a host for an Ably-compatible
 * endpoint). Token requests are signed locally, with no request to Ably.
 */
export function createAblyDriver(options: AblyDriverOptions): ProviderDriver {
  let client: Promise<AblyLib.Rest> | undefined;
  const rest = () => {
    client ??= loadProvider<typeof AblyLib>('ably', 'ably', options.importer).then(
      (Ably) =>
        new Ably.Rest({
          key: `${options.key}:${options.secret}`,
          ...(options.host ? { endpoint: options.host, fallbackHosts: [] } : {}),
          ...(options.port ? (options.useTLS ? { tlsPort: options.port } : { port: options.port }) : {}),
          tls: options.useTLS,
          useBinaryProtocol: false,
          httpMaxRetryCount: 0,
          httpRequestTimeout: options.timeoutMs,
          logLevel: 1,
          logHandler: (msg: string) => options.logger.debug({ transport: 'ably' }, msg),
        }),
    );
    return client;
  };
  rest().catch(() => {});

  const batchPublish = async (specs: AblyLib.BatchPublishSpec[], label: string) => {
    const client = await rest();
    let results: BatchResult[];
    try {
      results = await client.batchPublish(specs);
    } catch (error) {
      throw toDeliveryError(error, label);
    }
    const failure = firstFailure(results);
    if (failure) throw toDeliveryError(failure, label);
  };

  return {
    kind: 'ably',
    maxPayloadBytes: options.maxPayloadBytes,
    maxBatchSize: ABLY_MAX_BATCH_SIZE,
    maxChannelsPerTrigger: ABLY_MAX_BATCH_SIZE,

    async publish(channels, name, data, encoded) {
      const message = ablyMessage(name, data, encoded);
      if (channels.length > 1) return batchPublish([{ channels, messages: [message] }], 'batch publish');
      const client = await rest();
      const channel = channels[0]!;
      try {
        await client.channels.get(channel).publish(message);
      } catch (error) {
        throw toDeliveryError(error, `publish on ${channel}`);
      }
    },

    async publishBatch(events: EncodedEvent[]) {
      const specs = events.map((event) => ({
        channels: [event.channel],
        messages: [ablyMessage(event.name, event.data, event.encoded)],
      }));
      await batchPublish(specs, 'batch publish');
    },

    async createTokenRequest(params: TokenRequestParams) {
      const client = await rest();
      return client.auth.createTokenRequest({
        clientId: params.clientId,
        capability: JSON.stringify(params.capability),
        ...(params.ttlMs ? { ttl: params.ttlMs } : {}),
      });
    },

    async close() {},
  };
}
