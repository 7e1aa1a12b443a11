// `npm run bench -- client-size`: the browser bundles of @inloop/client beside pusher-js's own
// minified build, all minified and gzipped in this run. Target: at most 0.35× pusher-js for what a
// page loads up front (the core IIFE); the HTTP fallback it loads only when a websocket cannot be used.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { basename } from 'node:path';
import { gzipSync } from 'node:zlib';
import { buildBrowserBundle } from '../packages/client/scripts/browser-build.mjs';

const TARGET_RATIO = 0.35;
const require = createRequire(import.meta.url);

const kib = (bytes) => `${(bytes / 1024).toFixed(2)} KiB`;
const measure = (name, texts) => ({
  name,
  min: texts.reduce((sum, text) => sum + Buffer.byteLength(text), 0),
  gz: texts.reduce((sum, text) => sum + gzipSync(Buffer.from(text), { level: 9 }).byteLength, 0),
});
const texts = (files) => files.map((file) => file.text);

/** The first file (the entry) and every chunk it imports statically, as a page loads them before it runs. */
function staticClosure(files) {
  const byName = new Map(files.map((file) => [basename(file.path), file]));
  const loaded = new Set([files[0]]);
  for (const file of loaded) {
    for (const [, name] of file.text.matchAll(/\bfrom\s*["']\.\/([^"']+)["']/g)) loaded.add(byName.get(name));
  }
  return [...loaded];
}

const [esm, core, http, full] = await Promise.all(['esm', 'iife', 'http', 'full'].map(buildBrowserBundle));
const rows = [
  measure('@inloop/client core (iife): what a page loads', texts(core)),
  measure('  + HTTP fallback (iife), loaded on first need', texts(http)),
  measure('  core + HTTP fallback', texts([...core, ...http])),
  measure('@inloop/client (esm): entry and the chunks it imports', texts(staticClosure(esm))),
  measure('@inloop/client full: + fallback, presence, user, adapters', texts(full)),
];
const pusherJs = readFileSync(require.resolve('pusher-js/dist/web/pusher.min.js'), 'utf8');
const version = JSON.parse(readFileSync(require.resolve('pusher-js/package.json'), 'utf8')).version;
const peer = measure(`pusher-js ${version} (pusher.min.js, everything)`, [pusherJs]);

const width = Math.max(...[...rows, peer].map((row) => row.name.length));
console.log(`${'bundle'.padEnd(width)}  ${'minified'.padStart(11)}  ${'min+gzip'.padStart(11)}  ratio (gzip)`);
for (const row of [...rows, peer]) {
  const ratio = row === peer ? '1.00×' : `${(row.gz / peer.gz).toFixed(2)}×`;
  console.log(`${row.name.padEnd(width)}  ${kib(row.min).padStart(11)}  ${kib(row.gz).padStart(11)}  ${ratio}`);
}
const [ours, , allIn] = rows;
const ratio = ours.gz / peer.gz;
console.log(
  `\n@inloop/client core is ${ratio.toFixed(3)}× pusher-js gzipped (${ours.gz} of ${peer.gz} bytes): ` +
    `${ratio <= TARGET_RATIO ? 'within' : 'OVER'} the ${TARGET_RATIO}× target (${Math.floor(peer.gz * TARGET_RATIO)} bytes). ` +
    `With the HTTP fallback loaded too: ` +
    `${(allIn.gz / peer.gz).toFixed(2)}×.`,
);
