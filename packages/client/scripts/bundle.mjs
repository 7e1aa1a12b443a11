// Builds the browser bundles under dist/ (see BROWSER_BUNDLES in browser-build.mjs): each is built once in memory,
// checked to carry no zod, then written.
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { BROWSER_BUNDLES, buildBrowserBundle, packageDir } from './browser-build.mjs';

for (const name of Object.keys(BROWSER_BUNDLES)) {
  for (const file of await buildBrowserBundle(name)) {
    const path = join(packageDir, 'dist', file.path);
    await mkdir(dirname(path), { recursive: true });
    await writeFile(path, file.text);
  }
}
