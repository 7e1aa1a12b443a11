import { readFileSync } from 'node:fs';
import type { z } from 'zod';
import { type RelayConfig, type RelayConfigInput, relayConfigSchema } from './config-schema.js';
import { RelayConfigError, RelayErrorCode } from './errors.js';

function formatPath(path: ReadonlyArray<PropertyKey>): string {
  let out = '';
  for (const part of path) out += typeof part === 'number' ? `[${part}]` : out ? `.${String(part)}` : String(part);
  return out || '(root)';
}

/** One line per bad field, e.g. `apps[0].key: Invalid input: expected string, received undefined`. */
export function formatConfigIssues(error: z.ZodError): string[] {
  return error.issues.map((issue) => `${formatPath(issue.path)}: ${issue.message}`);
}

/** Validates a relay configuration; throws RelayConfigError listing every bad field. */
export function parseRelayConfig(input: unknown): RelayConfig {
  const result = relayConfigSchema.safeParse(input);
  if (!result.success) throw new RelayConfigError(formatConfigIssues(result.error));
  return result.data;
}

/** Reads a JSON configuration file (not validated yet). */
export function readConfigFile(path: string): RelayConfigInput {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code ?? 'unreadable';
    throw new RelayConfigError(
      [`config file ${path}: cannot read it (${reason})`],
      RelayErrorCode.ConfigFileUnreadable,
    );
  }
  try {
    return JSON.parse(text) as RelayConfigInput;
  } catch (error) {
    throw new RelayConfigError([`config file ${path}: not valid JSON (${(error as Error).message})`]);
  }
}

function envNumber(env: NodeJS.ProcessEnv, name: string, problems: string[]): number | undefined {
  const raw = env[name];
  if (raw === undefined || raw === '') return undefined;
  const value = Number(raw);
  if (!Number.isFinite(value)) problems.push(`${name}: "${raw}" is not a number`);
  return value;
}

function envBoolean(env: NodeJS.ProcessEnv, name: string, problems: string[]): boolean | undefined {
  const raw = env[name];
  if (raw === undefined || raw === '') return undefined;
  if (['1', 'true', 'yes'].includes(raw.toLowerCase())) return true;
  if (['0', 'false', 'no'].includes(raw.toLowerCase())) return false;
  problems.push(`${name}: "${raw}" is not a boolean (use true or false)`);
  return undefined;
}

/**
 * The configuration `INLOOP_RELAY_*` variables describe: `INLOOP_RELAY_CONFIG` (a JSON file),
 * `INLOOP_RELAY_APPS` (a JSON array of apps), or one app from `INLOOP_RELAY_APP_ID`,
 * `_APP_KEY`, `_APP_SECRET`, `_ENABLE_CLIENT_MESSAGES`; plus `INLOOP_RELAY_PORT`, `_HOST`,
 * `_LOG_LEVEL`. Returns only the fields that are set.
 */
export function configFromEnv(env: NodeJS.ProcessEnv = process.env): Partial<RelayConfigInput> {
  const problems: string[] = [];
  const out: Partial<RelayConfigInput> = env.INLOOP_RELAY_CONFIG ? readConfigFile(env.INLOOP_RELAY_CONFIG) : {};
  if (env.INLOOP_RELAY_APPS) {
    try {
      out.apps = JSON.parse(env.INLOOP_RELAY_APPS);
    } catch {
      problems.push('INLOOP_RELAY_APPS: not valid JSON (expected an array of {id, key, secret})');
    }
  }
  if (env.INLOOP_RELAY_APP_ID || env.INLOOP_RELAY_APP_KEY || env.INLOOP_RELAY_APP_SECRET) {
    const enableClientMessages = envBoolean(env, 'INLOOP_RELAY_ENABLE_CLIENT_MESSAGES', problems);
    out.apps = [
      {
        id: env.INLOOP_RELAY_APP_ID as string,
        key: env.INLOOP_RELAY_APP_KEY as string,
        secret: env.INLOOP_RELAY_APP_SECRET as string,
        ...(enableClientMessages === undefined ? {} : { enableClientMessages }),
      },
    ];
  }
  const port = envNumber(env, 'INLOOP_RELAY_PORT', problems);
  if (port !== undefined) out.port = port;
  if (env.INLOOP_RELAY_HOST) out.host = env.INLOOP_RELAY_HOST;
  if (env.INLOOP_RELAY_LOG_LEVEL) out.logLevel = env.INLOOP_RELAY_LOG_LEVEL as RelayConfig['logLevel'];
  if (problems.length > 0) throw new RelayConfigError(problems);
  return out;
}
