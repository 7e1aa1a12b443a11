/**
 * The ES module browser bundles as a page imports them (`@inloop/client/browser` with `/browser/presence` and
 * `/browser/user`), built from source and run against a real relay: the separately built entries must agree
 * with the client on the property names the minifier shortened.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type PusherServer from 'pusher';
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { buildBrowserBundle } from '../packages/client/scripts/browser-build.mjs';
import {
  APP,
  type AppServer,
  pusherServer,
  type RunningRelay,
  startAppServer,
  startRelay,
} from '../packages/client/test/relay-harness.js';

type ClientModule = typeof import('../packages/client/src/index.js');
type PresenceModule = typeof import('../packages/client/src/presence.js');
type UserModule = typeof import('../packages/client/src/user.js');

const WAIT = { timeout: 15_000 };
let running: RunningRelay;
let server: PusherServer;
let app: AppServer;
let dir: string;
let client: ClientModule;
let presence: PresenceModule;
let user: UserModule;
const opened: Array<{ disconnect(): void }> = [];

/** Writes the bundles' files as `dist/` holds them and imports each entry. */
async function importBundles() {
  dir = await mkdtemp(join(tmpdir(), 'inloop-esm-'));
  const entries: string[] = [];
  for (const name of ['esm', 'esm-presence', 'esm-user'] as const) {
    const files = await buildBrowserBundle(name);
    for (const file of files) await writeFile(join(dir, file.path.replace(/^browser\//, '')), file.text);
    entries.push(join(dir, files[0]!.path.replace(/^browser\//, '')));
  }
  const [clientFile, presenceFile, userFile] = entries.map((file) => pathToFileURL(file).href);
  client = await import(/* @vite-ignore */ clientFile!);
  presence = await import(/* @vite-ignore */ presenceFile!);
  user = await import(/* @vite-ignore */ userFile!);
}

beforeAll(async () => {
  running = await startRelay();
  server = pusherServer(running.port);
  app = await startAppServer(() => server);
  await importBundles();
}, 60_000);
afterAll(async () => {
  for (const each of opened) each.disconnect();
  await app?.close();
  await running?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

function connectBundled() {
  const connected = client.connect({
    key: APP.key,
    wsHost: '127.0.0.1',
    wsPort: running.port,
    forceTLS: false,
    authEndpoint: `${app.url}/auth`,
    userAuthEndpoint: `${app.url}/user-auth`,
    presence: presence.PresenceMembers,
    WebSocket: WebSocket as never,
    environmentEvents: null,
  });
  opened.push(connected);
  return connected;
}

describe('@inloop/client ES module bundles', () => {
  it('keep presence member lists and user sign-in working with the client they were built with', async () => {
    const [first, second] = [connectBundled(), connectBundled()];
    const room = first.subscribe('presence-esm-room');
    const added: unknown[] = [];
    room.bind('pusher:member_added', (member) => added.push(member));
    await vi.waitFor(() => expect(room.subscribed).toBe(true), WAIT);
    second.subscribe('presence-esm-room');
    await vi.waitFor(() => expect(room.members?.count).toBe(2), WAIT);
    expect(added).toEqual([expect.objectContaining({ info: { name: 'tester' } })]);
    expect(room.members?.me?.id).toBe(`user-${first.connection.socketId}`);

    const session = new user.UserSession(first);
    const notes: unknown[] = [];
    session.bind('note', (data) => notes.push(data));
    expect((await session.signin()).id).toBe('user-7');
    await vi.waitFor(() => expect(session.channel?.subscribed).toBe(true), WAIT);
    await server.sendToUser('user-7', 'note', { text: 'hi' });
    await vi.waitFor(() => expect(notes).toEqual([{ text: 'hi' }]), WAIT);
  });
});
