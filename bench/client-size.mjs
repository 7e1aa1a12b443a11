// `npm run bench -- client-size`: the browser bundle of @inloop/client beside pusher-js's own
// minified build, both minified and gzipped in this run. Target: at most 0.35× pusher-js.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';
import { assertNoZod, browserBuildOptions } from '../packages/client/scripts/browser-build.mjs';

const TARGET_RATIO = 0.35;
const require = createRequire(import.meta.url);

const kib = (bytes) => `${(bytes / 1024).toFixed(2)} KiB`;
const gzipped = (code) => gzipSync(Buffer.from(code), { level: 9 }).byteLength;

const rows = [];
for (const [format, entry, name] of [
  ['esm', 'index', '@inloop/client (esm)'],
  ['iife', 'browser', '@inloop/client (iife)'],
  ['iife', 'browser-full', '@inloop/client full: + presence, user, adapters (iife)'],
]) {
  const result = await build(browserBuildOptions(format, undefined, entry));
  const code = result.outputFiles[0].text;
  assertNoZod(code, name);
  rows.push({ name, min: Buffer.byteLength(code), gz: gzipped(code) });
}
const pusherJs = readFileSync(require.resolve('pusher-js/dist/web/pusher.min.js'));
const version = JSON.parse(readFileSync(require.resolve('pusher-js/package.json'), 'utf8')).version;
const peer = { name: `pusher-js ${version} (pusher.min.js)`, min: pusherJs.byteLength, gz: gzipped(pusherJs) };

const width = Math.max(...[...rows, peer].map((row) => row.name.length));
console.log(`${'bundle'.padEnd(width)}  ${'minified'.padStart(11)}  ${'min+gzip'.padStart(11)}  ratio (gzip)`);
for (const row of [...rows, peer]) {
  const ratio = row === peer ? '1.00×' : `${(row.gz / peer.gz).toFixed(2)}×`;
  console.log(`${row.name.padEnd(width)}  ${kib(row.min).padStart(11)}  ${kib(row.gz).padStart(11)}  ${ratio}`);
}
const ours = rows.find((row) => row.name === '@inloop/client (iife)');
const ratio = ours.gz / peer.gz;
console.log(
  `\n@inloop/client (iife) is ${ratio.toFixed(2)}× pusher-js gzipped: ${ratio <= TARGET_RATIO ? 'within' : 'OVER'} the ${TARGET_RATIO}× target.`,
);
