import type { TransportKind } from './schema.js';

interface FieldHelp {
  /** A right value in a config object. */
  object: string;
  /** Where the field lives in a URL, and a right URL. */
  url?: { where: string; example: string };
}

const query = (name: string, value: string, base: string): FieldHelp['url'] => ({
  where: `the ?${name}= parameter`,
  example: `${base}?${name}=${value}`,
});

const PUSHER_URL = 'pusher://KEY:SECRET@api-eu.pusher.com/1234567';
const ABLY_URL = 'ably://APP_ID.KEY_ID:SECRET@';
const RELAY_URL = 'relay://KEY:SECRET@127.0.0.1:6001/my-app';

function commonFields(base: string): Record<string, FieldHelp> {
  return {
    timeoutMs: { object: 'timeoutMs: 5000', url: query('timeoutMs', '5000', base) },
    maxPayloadBytes: { object: 'maxPayloadBytes: 10240', url: query('maxPayloadBytes', '10240', base) },
    retries: { object: 'retries: 3', url: query('retries', '3', base) },
    batch: { object: 'batch: true', url: query('batch', 'false', base) },
    useTLS: { object: 'useTLS: true', url: query('useTLS', 'true', base) },
    port: { object: 'port: 443', url: { where: 'the port', example: base.replace(/@([^/]+)/, '@$1:443') } },
  };
}

const FIELDS: Record<TransportKind, Record<string, FieldHelp>> = {
  pusher: {
    appId: { object: "appId: '1234567'", url: { where: "the app id (the URL's path)", example: PUSHER_URL } },
    key: {
      object: "key: 'a1b2c3d4e5f6a7b8c9d0'",
      url: { where: "the key (the URL's user name)", example: PUSHER_URL },
    },
    secret: {
      object: "secret: '<app secret>'",
      url: { where: "the secret (the URL's password)", example: PUSHER_URL },
    },
    cluster: {
      object: "cluster: 'eu' (or host: 'api-eu.pusher.com')",
      url: { where: 'the cluster or host', example: 'pusher://KEY:SECRET@/1234567?cluster=eu' },
    },
    host: { object: "host: 'api-eu.pusher.com'", url: { where: 'the host', example: PUSHER_URL } },
    encryptionMasterKeyBase64: { object: "encryptionMasterKeyBase64: '<32 bytes in base64>'" },
    ...commonFields(PUSHER_URL),
  },
  ably: {
    key: {
      object: "key: 'APP_ID.KEY_ID'",
      url: { where: "the key name (the URL's user name, before the colon of the API key)", example: ABLY_URL },
    },
    secret: {
      object: "secret: '<key secret>'",
      url: { where: "the key secret (the URL's password)", example: ABLY_URL },
    },
    host: {
      object: "host: 'rest.example.com'",
      url: { where: 'the host', example: 'ably://APP_ID.KEY_ID:SECRET@rest.example.com' },
    },
    ...commonFields('ably://APP_ID.KEY_ID:SECRET@rest.example.com'),
  },
  relay: {
    appId: { object: "appId: 'my-app'", url: { where: "the app id (the URL's path)", example: RELAY_URL } },
    key: { object: "key: 'my-key'", url: { where: "the key (the URL's user name)", example: RELAY_URL } },
    secret: { object: "secret: '<app secret>'", url: { where: "the secret (the URL's password)", example: RELAY_URL } },
    host: { object: "host: '127.0.0.1'", url: { where: 'the host', example: RELAY_URL } },
    ...commonFields(RELAY_URL),
  },
  memory: {},
  log: { level: { object: "level: 'info'", url: { where: 'the ?level= parameter', example: 'log://?level=info' } } },
  null: {},
};

export const URL_EXAMPLES: Record<TransportKind, string> = {
  pusher: PUSHER_URL,
  ably: ABLY_URL,
  relay: RELAY_URL,
  memory: 'memory://',
  log: 'log://',
  null: 'null://',
};

export function fieldNames(kind: TransportKind): string[] {
  return Object.keys(FIELDS[kind]);
}

/** One line for one mistake: what is wrong with which field, and a right value. */
export function describeFieldProblem(
  kind: TransportKind,
  field: string,
  problem: string,
  source: 'object' | 'url',
): string {
  const help = FIELDS[kind][field];
  if (source === 'url') {
    if (!help?.url) return `${kind} URL: ${field} ${problem}`;
    return `${kind} URL: ${help.url.where} ${problem} — e.g. ${help.url.example}`;
  }
  if (!help) return `${kind} config: ${field} ${problem}`;
  return `${kind} config: ${field} ${problem} — e.g. { transport: '${kind}', ${help.object} }`;
}
