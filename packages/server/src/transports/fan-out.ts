import type { Logger } from '../logger.js';
import { everyTransportFailed } from './every-transport-failed.js';
import type { Transport } from './transport.js';

/**
 * Sends every event on all the transports at once, so clients on any of them receive it. Each transport
 * retries on its own; one failing is logged and does not hold up the others. The call fails only when
 * every transport failed. Authorization goes to the first transport able to do it.
 */
export function createFanOutTransport(transports: Transport[], logger: Logger): Transport {
  const settle = async (run: (transport: Transport) => Promise<void>, context: Record<string, unknown>) => {
    const outcomes = await Promise.allSettled(transports.map(run));
    const failures = outcomes.flatMap((outcome, index) =>
      outcome.status === 'rejected' ? [{ label: transports[index]!.kind, error: outcome.reason }] : [],
    );
    for (const failure of failures) {
      logger.error({ ...context, transport: failure.label, err: failure.error }, 'fan-out: a transport failed');
    }
    if (failures.length === transports.length && failures.length > 0) {
      if (failures.length === 1) throw failures[0]!.error;
      throw everyTransportFailed('fan-out', failures);
    }
  };

  const able = <K extends 'authorizeChannel' | 'authenticateUser' | 'createTokenRequest'>(method: K) => {
    const owner = transports.find((transport) => typeof transport[method] === 'function');
    return owner?.[method]?.bind(owner) as Transport[K];
  };
  return {
    kind: 'fan-out',
    trigger: (channels, event, data, options) =>
      settle((transport) => transport.trigger(channels, event, data, options), { event, channels }),
    triggerBatch: (events) => settle((transport) => transport.triggerBatch(events), { batchSize: events.length }),
    authorizeChannel: able('authorizeChannel'),
    authenticateUser: able('authenticateUser'),
    createTokenRequest: able('createTokenRequest'),
    async close() {
      await Promise.allSettled(transports.map((transport) => transport.close()));
    },
  };
}
