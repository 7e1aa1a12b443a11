// Builds the browser bundles under dist/ (see BROWSER_BUNDLES in browser-build.mjs): each is built once in memory,
// checked to carry no zod, then written. Chunks of earlier builds (their names carry a content hash) go first.
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { BROWSER_BUNDLES, buildBrowserBundle, packageDir } from './browser-build.mjs';

await rm(join(packageDir, 'dist', 'browser'), { recursive: true, force: true });
for (const name of Object.keys(BROWSER_BUNDLES)) {
  for (const file of await buildBrowserBundle(name)) {
    const path = join(packageDir, 'dist', file.path);
    await mkdir(dirname(path), { recursive: true });
    await writeFile(path, file.text);
  }
}
