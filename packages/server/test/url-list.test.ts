/**
 * Several transports in one string, as `INLOOP_URL` holds them: `failover url1 url2`, `fanout url1 url2`
 * or just `url1 url2`, against real relays (one of them closed).
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createRelay, type Relay } from '@inloop/relay';
import { ConfigError, createNotifier, createTransport, type Notifier } from '@inloop/server';
import { recordingLogger } from './helpers.js';

const SECRET = 'url-list-secret-4k';
const APP = { id: 'app-1', key: 'relay-key', secret: SECRET };
const relayUrlAt = (port: number) => `relay://${APP.key}:${APP.secret}@127.0.0.1:${port}/${APP.id}`;
const FAST_RETRY = { retries: 1, minDelayMs: 1, maxDelayMs: 2 };

let relay: Relay;
let liveUrl: string;
/** A relay URL on which nothing listens any more. */
let closedUrl: string;
const savedUrl = process.env.INLOOP_URL;
const opened: Notifier[] = [];

beforeAll(async () => {
  relay = await createRelay({ logger: false, apps: [APP] });
  liveUrl = relayUrlAt((await relay.listen({ port: 0, host: '127.0.0.1' })).port);
  const closed = await createRelay({ logger: false, apps: [APP] });
  closedUrl = relayUrlAt((await closed.listen({ port: 0, host: '127.0.0.1' })).port);
  await closed.close();
});
afterEach(async () => {
  process.env.INLOOP_URL = savedUrl;
  await Promise.all(opened.splice(0).map((notifier) => notifier.close()));
});
afterAll(async () => {
  await relay?.close();
});

/** A notifier from INLOOP_URL alone, as an app configured by its environment makes it. */
function notifierFromEnvironment(value: string) {
  process.env.INLOOP_URL = value;
  const logger = recordingLogger();
  const notifier = createNotifier(undefined, { logger, retry: FAST_RETRY });
  opened.push(notifier);
  return { notifier, logger };
}

function configIssues(input: string): string[] {
  try {
    createTransport(input, { logger: recordingLogger() });
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as ConfigError).issues;
  }
  throw new Error(`"${input}" was accepted`);
}

describe('transport lists in one string', () => {
  it('fails over from INLOOP_URL="failover?coolDownMs=… down up": the event is delivered by the second', async () => {
    const { notifier, logger } = notifierFromEnvironment(`failover?coolDownMs=60000 ${closedUrl}  ${liveUrl}\n`);
    expect(notifier.transport.kind).toBe('failover');
    await notifier.trigger('feed', 'rescued', { n: 1 });
    const switches = logger.records.filter((record) => record.msg?.startsWith('failover:'));
    expect(switches).toHaveLength(1);
    expect(switches[0]?.obj).toMatchObject({ from: 'relay#1', to: 'relay#2', coolDownMs: 60_000, event: 'rescued' });
    expect(JSON.stringify(logger.records)).not.toContain(SECRET);
  });

  it('fans out from INLOOP_URL="down up" (as from "fanout down up"): one delivery is enough', async () => {
    for (const value of [
      `${closedUrl} ${liveUrl}`,
      `fanout ${closedUrl} ${liveUrl}`,
      `FAN-OUT ${closedUrl} ${liveUrl}`,
    ]) {
      const { notifier, logger } = notifierFromEnvironment(value);
      expect(notifier.transport.kind).toBe('fan-out');
      await notifier.trigger('feed', 'sent', {});
      expect(logger.records.some((record) => record.level === 'error' || record.level === 'warn')).toBe(true);
    }
  });

  it('reads one URL with surrounding whitespace as that one transport', () => {
    expect(createTransport('  memory://\n', { logger: recordingLogger() }).kind).toBe('memory');
  });

  it('says what to write when the list is not one, and never repeats a URL', () => {
    expect(configIssues('failovr memory:// null://')).toEqual([
      expect.stringContaining('a list of transport URLs starts with failover or fanout'),
    ]);
    expect(configIssues('failover')).toEqual([expect.stringContaining('failover needs the transport URLs after it')]);
    expect(configIssues('failover?cooldown=5 memory:// null://')).toEqual([
      expect.stringContaining('failover?cooldown= is not a setting; the setting is ?coolDownMs='),
    ]);
    expect(configIssues('fanout?coolDownMs=5 memory:// null://')).toEqual([
      'a fanout list takes no settings; write fanout url1 url2',
    ]);
    expect(configIssues('failover?coolDownMs=soon memory:// null://')).toEqual([
      expect.stringContaining('coolDownMs must be a whole number of milliseconds'),
    ]);
    const issues = configIssues(`failover relay://${APP.key}:${SECRET}@127.0.0.1/a/b pusher://k:${SECRET}@host`);
    expect(issues).toHaveLength(2);
    expect(issues[0]).toMatch(/^failover\[0\]: relay URL: the path must be just the app id/);
    expect(issues[1]).toMatch(/^failover\[1\]: /);
    expect(issues.join('\n')).not.toContain(SECRET);
  });
});
