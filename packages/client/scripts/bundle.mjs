// Builds the browser bundles: minified ESM and IIFE (`window.Inloop`) of the client, and an IIFE
// that also carries the pusher-js/ably-js adapters.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { build } from 'esbuild';
import { assertNoZod, browserBuildOptions, packageDir } from './browser-build.mjs';

for (const [format, file, entry] of [
  ['esm', 'inloop-client.min.js', 'index'],
  ['iife', 'inloop-client.iife.js', 'browser'],
  ['iife', 'inloop-client.full.iife.js', 'browser-full'],
]) {
  const outfile = join(packageDir, 'dist', file);
  await build(browserBuildOptions(format, outfile, entry));
  assertNoZod(readFileSync(outfile, 'utf8'), file);
}
