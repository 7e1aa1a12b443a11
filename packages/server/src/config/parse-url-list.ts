import { ConfigError } from '../errors.js';

/** The list forms a single string (e.g. `INLOOP_URL`) can take, as the object form they stand for. */
export type UrlListInput = { failover: string[]; coolDownMs?: string } | { fanOut: string[] };

const STRING_EXAMPLE = "'failover relay://KEY:SECRET@relay:6001/app pusher://KEY:SECRET@api-eu.pusher.com/123'";
const KEYWORD = /^(failover|fanout|fan-out)(?:\?(.*))?$/i;

/**
 * Reads several transport URLs from one string, separated by whitespace (a URL never holds a bare space):
 * `failover url1 url2` uses one at a time, `fanout url1 url2` (or just `url1 url2`) sends to all.
 * `failover?coolDownMs=10000 …` sets the cool-down. Returns undefined for a string with one URL.
 * Messages never repeat a URL: it holds a secret.
 */
export function parseUrlList(input: string): UrlListInput | undefined {
  const [first = '', ...rest] = input.trim().split(/\s+/);
  if (first.includes('://')) return rest.length === 0 ? undefined : { fanOut: [first, ...rest] };
  const keyword = KEYWORD.exec(first);
  if (!keyword) {
    throw new ConfigError([
      `a list of transport URLs starts with failover or fanout, then the URLs, separated by spaces — e.g. ${STRING_EXAMPLE}`,
    ]);
  }
  if (rest.length === 0) throw new ConfigError([`${first} needs the transport URLs after it — e.g. ${STRING_EXAMPLE}`]);
  const settings = new URLSearchParams(keyword[2] ?? '');
  if (keyword[1]!.toLowerCase() !== 'failover') {
    if (keyword[2] !== undefined) throw new ConfigError(['a fanout list takes no settings; write fanout url1 url2']);
    return { fanOut: rest };
  }
  const unknown = [...settings.keys()].filter((name) => name !== 'coolDownMs');
  if (unknown.length > 0) {
    throw new ConfigError([
      `failover?${unknown[0]}= is not a setting; the setting is ?coolDownMs= — e.g. failover?coolDownMs=30000`,
    ]);
  }
  const coolDownMs = settings.get('coolDownMs');
  return coolDownMs === null ? { failover: rest } : { failover: rest, coolDownMs };
}
