import { DeliveryError, ProviderMissingError } from '../errors.js';
import type { Logger } from '../logger.js';
import { everyTransportFailed } from './every-transport-failed.js';
import type { Transport } from './transport.js';

export const DEFAULT_FAILOVER_COOL_DOWN_MS = 30_000;

export interface FailoverOptions {
  logger: Logger;
  /** How long a transport that failed is passed over before it is tried first again. Default 30 s. */
  coolDownMs?: number;
  /** The clock cool-downs are measured on (tests). */
  now?: () => number;
}

/** Refusals about the transport's own account (credentials, app id, quota), not about the event. */
const ACCOUNT_STATUSES = new Set([401, 403, 404]);

/**
 * True when the transport could not deliver (unreachable, 5xx/429 after its retries, its account refused,
 * its library missing): the next transport may well succeed. Anything else (a payload over the limit,
 * a 400, a bad argument, a closed transport) is the caller's and would fail everywhere, so it is rethrown.
 */
export function isTransportFailure(error: unknown): boolean {
  if (error instanceof ProviderMissingError) return true;
  if (!(error instanceof DeliveryError)) return false;
  return error.retryable || error.status === undefined || ACCOUNT_STATUSES.has(error.status);
}

type AuthMethod = 'authorizeChannel' | 'authenticateUser' | 'createTokenRequest';

/**
 * Sends each event on the first transport that is not cooling down; when that one fails (after its own
 * retries), the same event goes to the next, and the failed one is passed over for `coolDownMs`. Cooling
 * transports are still tried, last, before the call fails. After the cool-down the first transport is
 * tried first again, so a recovered primary takes the traffic back. Authorization is signed by the
 * transport that delivered last (the active one) when it can, else by the first able one.
 */
export function createFailoverTransport(transports: Transport[], options: FailoverOptions): Transport {
  const { logger } = options;
  const now = options.now ?? Date.now;
  const coolDownMs = options.coolDownMs ?? DEFAULT_FAILOVER_COOL_DOWN_MS;
  const coolingUntil = transports.map(() => 0);
  let active = 0;

  const kinds = transports.map((transport) => transport.kind);
  const unique = new Set(kinds).size === kinds.length;
  const label = (index: number) => (unique ? kinds[index]! : `${kinds[index]}#${index + 1}`);

  const order = () => {
    const time = now();
    const indices = transports.map((_, index) => index);
    return [
      ...indices.filter((index) => coolingUntil[index]! <= time),
      ...indices.filter((index) => coolingUntil[index]! > time),
    ];
  };

  const send = async (run: (transport: Transport) => Promise<void>, context: Record<string, unknown>) => {
    const failures: { index: number; error: unknown }[] = [];
    for (const index of order()) {
      try {
        await run(transports[index]!);
      } catch (error) {
        if (!isTransportFailure(error)) throw error;
        coolingUntil[index] = now() + coolDownMs;
        failures.push({ index, error });
        continue;
      }
      coolingUntil[index] = 0;
      if (index !== active) {
        const cause = failures.at(-1)?.error;
        logger.warn(
          { ...context, from: label(active), to: label(index), err: cause, coolDownMs },
          cause ? 'failover: switched to the next transport' : 'failover: back to the first transport',
        );
        active = index;
      }
      return;
    }
    throw everyTransportFailed(
      'failover',
      failures.map(({ index, error }) => ({ label: label(index), error })),
      'failover: ',
    );
  };

  const delegate = <K extends AuthMethod>(method: K): Transport[K] => {
    if (!transports.some((transport) => typeof transport[method] === 'function')) return undefined;
    return ((...args: unknown[]) => {
      const current = transports[active]!;
      const owner = typeof current[method] === 'function' ? current : transports.find((each) => each[method])!;
      return (owner[method] as (...params: unknown[]) => Promise<unknown>).apply(owner, args);
    }) as Transport[K];
  };

  return {
    kind: 'failover',
    trigger: (channels, event, data, triggerOptions) =>
      send((transport) => transport.trigger(channels, event, data, triggerOptions), { event, channels }),
    triggerBatch: (events) => send((transport) => transport.triggerBatch(events), { batchSize: events.length }),
    authorizeChannel: delegate('authorizeChannel'),
    authenticateUser: delegate('authenticateUser'),
    createTokenRequest: delegate('createTokenRequest'),
    active: () => transports[active]!,
    async close() {
      await Promise.allSettled(transports.map((transport) => transport.close()));
    },
  };
}
