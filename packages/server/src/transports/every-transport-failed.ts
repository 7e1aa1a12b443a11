import { DeliveryError } from '../errors.js';

export interface TransportFailure {
  /** Names the transport in the message (its kind, numbered when kinds repeat). */
  label: string;
  error: unknown;
}

/**
 * The one error of a call that no transport of a list could deliver: it names each transport with its
 * reason and keeps their errors as its cause. `kind` is the list's (`fan-out`, `failover`); `lead` starts the message.
 */
export function everyTransportFailed(kind: string, failures: TransportFailure[], lead = ''): DeliveryError {
  const reasons = failures.map(({ label, error }) => {
    const message = error instanceof Error ? error.message : String(error);
    return message.startsWith(`${label}:`) ? message : `${label}: ${message}`;
  });
  return new DeliveryError(`${lead}every transport failed (${reasons.join('; ')})`, kind, undefined, false, undefined, {
    cause: failures.map(({ error }) => error),
  });
}
