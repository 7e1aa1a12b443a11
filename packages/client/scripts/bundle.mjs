// Builds the browser bundle: one minified ESM file and one IIFE exposing `window.Inloop`.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { build } from 'esbuild';
import { assertNoZod, browserBuildOptions, packageDir } from './browser-build.mjs';

for (const [format, file] of [
  ['esm', 'inloop-client.min.js'],
  ['iife', 'inloop-client.iife.js'],
]) {
  const outfile = join(packageDir, 'dist', file);
  await build(browserBuildOptions(format, outfile));
  assertNoZod(readFileSync(outfile, 'utf8'), file);
}
