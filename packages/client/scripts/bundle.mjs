// Builds the browser bundles under dist/: see BROWSER_BUNDLES in browser-build.mjs.
import { build } from 'esbuild';
import { BROWSER_BUNDLES, browserBuildOptions, buildBrowserBundle } from './browser-build.mjs';

for (const name of Object.keys(BROWSER_BUNDLES)) {
  await buildBrowserBundle(name);
  await build(browserBuildOptions(name, { write: true }));
}
