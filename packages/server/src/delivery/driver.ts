import type { Transport } from '../transports/transport.js';

/** An event ready to send: `encoded` is what the provider carries and what the size limit applies to. */
export interface EncodedEvent {
  channel: string;
  name: string;
  data: unknown;
  encoded: string;
  socketId?: string;
}

/**
 * The provider-specific part of a hosted transport: single API calls, no retries or batching
 * (createDeliveringTransport adds those). Failed calls throw a DeliveryError.
 */
export interface ProviderDriver
  extends Pick<Transport, 'authorizeChannel' | 'authenticateUser' | 'createTokenRequest'> {
  readonly kind: string;
  readonly maxPayloadBytes: number;
  /** Most events one batch call may carry. */
  readonly maxBatchSize: number;
  /** Most channels one trigger call may name. */
  readonly maxChannelsPerTrigger: number;
  publish(channels: string[], name: string, data: unknown, encoded: string, socketId?: string): Promise<void>;
  publishBatch(events: EncodedEvent[]): Promise<void>;
  close(): Promise<void>;
}
