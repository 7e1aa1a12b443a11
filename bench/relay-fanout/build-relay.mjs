// Bundles @inloop/relay (and @inloop/protocol) from their TypeScript sources into one ESM file,
// so the benchmark always measures the code in the work tree without a full build.
import { mkdirSync, renameSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
/** Inside node_modules so that the bundle's bare imports (fastify, ws, ...) resolve from the root. */
export const RELAY_BUNDLE = join(root, 'node_modules', '.cache', 'inloop-bench', 'relay.mjs');

export async function buildRelayBundle() {
  mkdirSync(dirname(RELAY_BUNDLE), { recursive: true });
  // Built beside and renamed: another benchmark may be loading the bundle right now.
  const building = `${RELAY_BUNDLE}.${process.pid}.tmp`;
  await build({
    entryPoints: [join(root, 'packages', 'relay', 'src', 'index.ts')],
    outfile: building,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    sourcemap: 'inline',
    conditions: ['source'],
    logLevel: 'warning',
    plugins: [
      {
        name: 'only-inloop-inline',
        setup(builder) {
          builder.onResolve({ filter: /^[^./]/ }, (args) =>
            args.path.startsWith('@inloop/') ? undefined : { path: args.path, external: true },
          );
        },
      },
    ],
  });
  renameSync(building, RELAY_BUNDLE);
  return RELAY_BUNDLE;
}
