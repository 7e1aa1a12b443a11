import type { z } from 'zod';
import { ConfigError } from '../errors.js';
import { describeFieldProblem, fieldNames, URL_EXAMPLES } from './examples.js';
import { isTransportKind, parseTransportUrl } from './parse-url.js';
import { configSchemas, TRANSPORT_KINDS, type TransportConfig, type TransportKind } from './schema.js';

const URL_PARTS = new Set(['appId', 'key', 'secret', 'host', 'port']);
const kindList = TRANSPORT_KINDS.map((kind) => `'${kind}'`).join(', ');

/**
 * Validates a transport config given as a URL string or an object.
 * Throws a ConfigError with one message per mistake; no message holds a secret.
 */
export function parseTransportConfig(input: unknown): TransportConfig {
  if (typeof input === 'string') {
    const { kind, fields } = parseTransportUrl(input);
    return validate(kind, fields, 'url');
  }
  if (input === null || typeof input !== 'object' || Array.isArray(input)) {
    throw new ConfigError([
      `a transport config must be a URL string or an object — e.g. '${URL_EXAMPLES.pusher}' or { transport: 'memory' }`,
    ]);
  }
  const kind = (input as { transport?: unknown }).transport;
  if (!isTransportKind(kind)) {
    const problem = kind === undefined ? 'is missing' : 'is not a known transport';
    throw new ConfigError([`transport ${problem}; use one of ${kindList} — e.g. { transport: 'pusher', ... }`]);
  }
  return validate(kind, input as Record<string, unknown>, 'object');
}

function validate(kind: TransportKind, fields: Record<string, unknown>, source: 'object' | 'url'): TransportConfig {
  const result = (configSchemas[kind] as z.ZodType<TransportConfig>).safeParse(fields);
  const messages: string[] = [];
  if (kind === 'pusher' && fields.cluster === undefined && fields.host === undefined) {
    messages.push(describeFieldProblem(kind, 'cluster', 'is missing: set a cluster or a host', source));
  }
  if (result.success && messages.length === 0) return result.data;
  if (result.success) throw new ConfigError(messages);
  for (const issue of result.error.issues) {
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) messages.push(unknownField(kind, key, source));
      continue;
    }
    const field = String(issue.path[0] ?? 'config');
    messages.push(describeFieldProblem(kind, field, issue.message, source));
  }
  throw new ConfigError([...new Set(messages)]);
}

function unknownField(kind: TransportKind, key: string, source: 'object' | 'url'): string {
  const known = fieldNames(kind);
  if (source === 'url') {
    if (known.length === 0) return `${kind} URL takes no settings; write just ${URL_EXAMPLES[kind]}`;
    const params = known.filter((name) => !URL_PARTS.has(name)).map((name) => `?${name}=`);
    return `${kind} URL: ?${key}= is not a setting; the settings are ${params.join(', ')}`;
  }
  if (known.length === 0) return `${kind} config: ${key} is not a setting; write just { transport: '${kind}' }`;
  return `${kind} config: ${key} is not a setting; the settings are ${known.join(', ')}`;
}
