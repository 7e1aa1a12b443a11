// Bundles @inloop/relay (and @inloop/protocol) from their TypeScript sources into one ESM file,
// so the benchmark always measures the code in the work tree without a full build.
import { mkdirSync, renameSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { BENCH_CACHE_DIR, bundleOptions } from '../workspace-bundle.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const RELAY_BUNDLE = join(BENCH_CACHE_DIR, 'relay.mjs');

export async function buildRelayBundle() {
  mkdirSync(dirname(RELAY_BUNDLE), { recursive: true });
  // Built beside and renamed: another benchmark may be loading the bundle right now.
  const building = `${RELAY_BUNDLE}.${process.pid}.tmp`;
  await build({
    entryPoints: [join(root, 'packages', 'relay', 'src', 'index.ts')],
    outfile: building,
    ...bundleOptions,
    sourcemap: 'inline',
  });
  renameSync(building, RELAY_BUNDLE);
  return RELAY_BUNDLE;
}
