import { parseTransportConfig, type TransportConfig } from '@inloop/server';

/** What the page needs to open its realtime connection, derived from the server's transport config. */
export type PageTransport =
  | { kind: 'relay'; key: string; wsHost: string | null; wsPort: number; forceTLS: boolean }
  | { kind: 'pusher'; key: string; cluster: string }
  | { kind: 'ably' }
  | { kind: 'none'; transport: string };

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '0.0.0.0', '::1']);

/** Pusher's REST host is api-<cluster>.pusher.com; its default (api.pusherapp.com) is cluster mt1. */
function pusherCluster(config: Extract<TransportConfig, { transport: 'pusher' }>): string {
  if (config.cluster) return config.cluster;
  const match = /^api-([a-z0-9-]+)\.pusher\.com$/.exec(config.host ?? '');
  return match?.[1] ?? 'mt1';
}

export function pageTransportOf(inloopUrl: string): PageTransport {
  const config = parseTransportConfig(inloopUrl);
  switch (config.transport) {
    case 'relay':
      return {
        kind: 'relay',
        key: config.key,
        // A relay on this machine is reached at whatever host name the page was opened with.
        wsHost: LOOPBACK.has(config.host) ? null : config.host,
        wsPort: config.port ?? 6001,
        forceTLS: config.useTLS ?? false,
      };
    case 'pusher':
      return { kind: 'pusher', key: config.key, cluster: pusherCluster(config) };
    case 'ably':
      return { kind: 'ably' };
    default:
      return { kind: 'none', transport: config.transport };
  }
}
