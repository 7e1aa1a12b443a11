import type PusherLib from 'pusher';
import type { EncodedEvent, ProviderDriver } from '../delivery/driver.js';
import { isRetryableStatus, postJson } from '../delivery/http-post.js';
import { DeliveryError } from '../errors.js';
import { loadProvider, type ModuleImporter } from './load-provider.js';
import type { PresenceMember, UserData } from './transport.js';

export interface PusherDriverOptions {
  kind: 'pusher' | 'relay';
  appId: string;
  key: string;
  secret: string;
  host: string;
  port?: number;
  useTLS: boolean;
  timeoutMs: number;
  maxPayloadBytes: number;
  encryptionMasterKeyBase64?: string;
  importer?: ModuleImporter;
}

export const PUSHER_MAX_BATCH_SIZE = 10;
export const PUSHER_MAX_CHANNELS_PER_TRIGGER = 100;

const isEncrypted = (channel: string) => channel.startsWith('private-encrypted-');

/**
 * Pusher Channels' HTTP API, signed and authorized by the official `pusher` library. Requests go out
 * through fetch so that connections are kept alive and the Retry-After of a 429 can be read; events on
 * private-encrypted channels go through the library's own trigger, which encrypts them.
 */
export function createPusherDriver(options: PusherDriverOptions): ProviderDriver {
  const { kind, appId } = options;
  const baseUrl = `${options.useTLS ? 'https' : 'http'}://${options.host}${options.port ? `:${options.port}` : ''}`;
  let client: Promise<PusherLib> | undefined;
  const pusher = () => {
    client ??= loadProvider<typeof PusherLib>('pusher', kind, options.importer).then(
      (Pusher) =>
        new Pusher({
          appId,
          key: options.key,
          secret: options.secret,
          host: options.host,
          port: options.port ? String(options.port) : undefined,
          useTLS: options.useTLS,
          timeout: options.timeoutMs,
          encryptionMasterKeyBase64: options.encryptionMasterKeyBase64,
        }),
    );
    return client;
  };
  // Load early so that a missing package is reported at the first use, not mid-request.
  pusher().catch(() => {});

  const post = async (subPath: string, payload: object) => {
    const path = `/apps/${appId}${subPath}`;
    const body = JSON.stringify(payload);
    const query = (await pusher()).createSignedQueryString({ method: 'POST', path, body });
    await postJson(kind, `POST ${path}`, `${baseUrl}${path}?${query}`, body, options.timeoutMs);
  };

  const viaLibrary = async (call: (client: PusherLib) => Promise<unknown>, label: string) => {
    const client = await pusher();
    try {
      await call(client);
    } catch (error) {
      const status = (error as { status?: number }).status;
      throw new DeliveryError(
        `${kind}: ${label} ${status ? `answered ${status}` : 'failed'}`,
        kind,
        status,
        status === undefined || isRetryableStatus(status),
        undefined,
        { cause: error },
      );
    }
  };

  return {
    kind,
    maxPayloadBytes: options.maxPayloadBytes,
    maxBatchSize: PUSHER_MAX_BATCH_SIZE,
    maxChannelsPerTrigger: PUSHER_MAX_CHANNELS_PER_TRIGGER,

    async publish(channels, name, data, encoded, socketId) {
      if (channels.some(isEncrypted)) {
        const params = socketId ? { socket_id: socketId } : undefined;
        return viaLibrary((client) => client.trigger(channels, name, data, params), `POST /apps/${appId}/events`);
      }
      await post('/events', { name, data: encoded, channels, ...(socketId ? { socket_id: socketId } : {}) });
    },

    async publishBatch(events: EncodedEvent[]) {
      if (events.some((event) => isEncrypted(event.channel))) {
        const batch = events.map((event) => ({
          channel: event.channel,
          name: event.name,
          data: event.data,
          ...(event.socketId ? { socket_id: event.socketId } : {}),
        }));
        return viaLibrary((client) => client.triggerBatch(batch), `POST /apps/${appId}/batch_events`);
      }
      await post('/batch_events', {
        batch: events.map((event) => ({
          channel: event.channel,
          name: event.name,
          data: event.encoded,
          ...(event.socketId ? { socket_id: event.socketId } : {}),
        })),
      });
    },

    async authorizeChannel(socketId: string, channel: string, member?: PresenceMember) {
      return (await pusher()).authorizeChannel(socketId, channel, member);
    },

    async authenticateUser(socketId: string, user: UserData) {
      return (await pusher()).authenticateUser(socketId, user);
    },

    async close() {},
  };
}
