import { ConfigError } from '../errors.js';
import { URL_EXAMPLES } from './examples.js';
import { TRANSPORT_KINDS, type TransportKind } from './schema.js';

const URL_PATTERN = /^([A-Za-z][A-Za-z0-9+.-]*):\/\/(?:([^@/?#]*)@)?([^/?#]*)(\/[^?#]*)?(?:\?([^#]*))?$/;
const HOST_PORT_PATTERN = /^(\[[^\]]+\]|[^:]*)(?::(.*))?$/;
const QUERY_ALIASES: Record<string, string> = { tls: 'useTLS' };

export interface ParsedUrlConfig {
  kind: TransportKind;
  fields: Record<string, unknown>;
}

export function isTransportKind(value: unknown): value is TransportKind {
  return typeof value === 'string' && (TRANSPORT_KINDS as readonly string[]).includes(value);
}

const schemeList = TRANSPORT_KINDS.map((kind) => `${kind}://`).join(', ');

/**
 * Splits a transport URL into config fields, to be validated by the transport's schema.
 * Errors never repeat the URL: it holds the secret.
 */
export function parseTransportUrl(url: string): ParsedUrlConfig {
  const match = URL_PATTERN.exec(url.trim());
  if (!match) {
    throw new ConfigError([
      `the config string is not a transport URL; write one like ${URL_EXAMPLES.pusher} or memory://`,
    ]);
  }
  const [, scheme = '', userinfo, hostPort = '', path, queryString] = match;
  const kind = scheme.toLowerCase();
  if (!isTransportKind(kind)) {
    throw new ConfigError([
      `the URL scheme "${kind}://" is not a transport; use one of ${schemeList} — e.g. ${URL_EXAMPLES.pusher}`,
    ]);
  }

  const fields: Record<string, unknown> = { transport: kind };
  const problems: string[] = [];
  if (userinfo !== undefined && userinfo !== '') {
    const colon = userinfo.indexOf(':');
    const key = colon === -1 ? userinfo : userinfo.slice(0, colon);
    const secret = colon === -1 ? undefined : userinfo.slice(colon + 1);
    const decodedKey = decode(key);
    const decodedSecret = secret === undefined ? undefined : decode(secret);
    if (decodedKey === null || (secret !== undefined && decodedSecret === null)) {
      problems.push(
        `${kind} URL: the credentials are not valid percent-encoding — encode special characters, e.g. %2F for /`,
      );
    }
    if (decodedKey) fields.key = decodedKey;
    if (decodedSecret) fields.secret = decodedSecret;
  }
  const hostMatch = HOST_PORT_PATTERN.exec(hostPort);
  const host = hostMatch?.[1];
  const port = hostMatch?.[2];
  if (host) fields.host = host.startsWith('[') ? host.slice(1, -1) : host;
  if (port !== undefined && port !== '') fields.port = port;

  const appId = path?.replace(/^\//, '').replace(/\/$/, '');
  if (appId) {
    if (appId.includes('/')) {
      problems.push(`${kind} URL: the path must be just the app id — e.g. ${URL_EXAMPLES[kind]}`);
    } else {
      fields.appId = decode(appId) ?? appId;
    }
  }
  for (const [name, value] of new URLSearchParams(queryString ?? '')) {
    fields[QUERY_ALIASES[name] ?? name] = value;
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return { kind, fields };
}

function decode(part: string): string | null {
  try {
    return decodeURIComponent(part);
  } catch {
    return null;
  }
}
