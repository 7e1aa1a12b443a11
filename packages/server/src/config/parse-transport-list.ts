import { ConfigError } from '../errors.js';
import { parseUrlList } from './parse-url-list.js';

/** How the transports of a list are used: all at once, or one at a time in order. */
export type TransportListMode = 'fanOut' | 'failover';

export interface TransportListConfig {
  mode: TransportListMode;
  /** Names the list in messages: `failover`, `fanOut`, or `list` for a plain array. */
  label: string;
  entries: unknown[];
  coolDownMs?: number;
}

const MODES: readonly TransportListMode[] = ['failover', 'fanOut'];
const SETTINGS: Record<TransportListMode, readonly string[]> = { failover: ['coolDownMs'], fanOut: [] };
const EXAMPLE = '{ failover: [relayUrl, pusherUrl] } or { fanOut: [relayUrl, pusherUrl] }';

const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

function modeOf(value: unknown): TransportListMode | undefined {
  if (!isPlainObject(value) || 'transport' in value) return undefined;
  return MODES.find((mode) => mode in value);
}

/**
 * Reads the list forms of a transport config: a plain array (fan-out), `{ fanOut: [...] }`,
 * `{ failover: [...], coolDownMs? }`, or one string of several URLs (`failover url1 url2`, see parseUrlList).
 * Returns undefined for anything else (a single transport). Entries are checked only for list nesting;
 * each is validated when its transport is created.
 */
export function parseTransportList(input: unknown): TransportListConfig | undefined {
  if (typeof input === 'string') {
    const list = parseUrlList(input);
    return list && parseTransportList(list);
  }
  if (Array.isArray(input)) {
    if (input.length === 0) throw new ConfigError(['a transport list cannot be empty — e.g. [pusherUrl, relayUrl]']);
    return { mode: 'fanOut', label: 'list', entries: checkEntries('list', undefined, input) };
  }
  if (!isPlainObject(input) || 'transport' in input) return undefined;
  const mode = modeOf(input);
  if (mode === undefined) {
    const listKey = Object.keys(input).find((key) => Array.isArray(input[key]));
    if (listKey === undefined) return undefined;
    throw new ConfigError([`${listKey} is not a way to use a transport list; write ${EXAMPLE}`]);
  }
  const issues: string[] = [];
  if (MODES.every((each) => each in input)) {
    issues.push(
      'failover and fanOut cannot be in one object: nest one in the other, e.g. { failover: [{ fanOut: [a, b] }, c] }',
    );
  }
  for (const key of Object.keys(input)) {
    if (key === mode || (MODES as readonly string[]).includes(key) || SETTINGS[mode].includes(key)) continue;
    const settings = SETTINGS[mode].length > 0 ? `the settings are ${SETTINGS[mode].join(', ')}` : 'it takes none';
    issues.push(`${mode} list: ${key} is not a setting; ${settings}`);
  }
  const entries = input[mode];
  if (!Array.isArray(entries) || entries.length === 0) {
    issues.push(`${mode} must be a list of at least one transport — e.g. ${EXAMPLE}`);
  }
  const coolDownMs = readCoolDown(input.coolDownMs, issues);
  if (issues.length > 0) throw new ConfigError(issues);
  return { mode, label: mode, entries: checkEntries(mode, mode, entries as unknown[]), coolDownMs };
}

function readCoolDown(value: unknown, issues: string[]): number | undefined {
  if (value === undefined) return undefined;
  const number = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
  if (typeof number === 'number' && Number.isInteger(number) && number >= 0) return number;
  issues.push('failover list: coolDownMs must be a whole number of milliseconds ≥ 0 — e.g. coolDownMs: 30000');
  return undefined;
}

/** A list directly in a list says nothing about how it is used; the same mode inside itself is just longer. */
function checkEntries(label: string, mode: TransportListMode | undefined, entries: unknown[]): unknown[] {
  const issues: string[] = [];
  entries.forEach((entry, index) => {
    if (Array.isArray(entry)) {
      issues.push(`${label}[${index}] is a list inside a list: write ${EXAMPLE} to say how its transports are used`);
    } else if (mode !== undefined && modeOf(entry) === mode) {
      issues.push(`${label}[${index}] is a ${mode} list inside a ${mode} list: put its transports in the outer list`);
    }
  });
  if (issues.length > 0) throw new ConfigError(issues);
  return entries;
}
