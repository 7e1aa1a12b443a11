// Benchmarks measure the code in the work tree: @inloop/* is bundled from its TypeScript sources, with no build step.
import { mkdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
/** Inside node_modules, so that the bundles' bare imports (fastify, ws, ...) resolve from the root. */
export const BENCH_CACHE_DIR = join(root, 'node_modules', '.cache', 'inloop-bench');

/** esbuild plugin: @inloop/* is inlined from its sources; every other package stays an import. */
export const inlineOnlyInloop = {
  name: 'inline-only-inloop',
  setup(builder) {
    builder.onResolve({ filter: /^[^./]/ }, (args) =>
      args.path.startsWith('@inloop/') ? undefined : { path: args.path, external: true },
    );
  },
};

/** The settings every benchmark bundle shares. */
export const bundleOptions = {
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  conditions: ['source'],
  logLevel: 'warning',
  plugins: [inlineOnlyInloop],
};

/** Bundles `lines` (re-exports, resolved from the repository root) into `<dir>/<name>-<pid>.mjs`; returns its path. */
export async function bundleExports(name, lines, dir = BENCH_CACHE_DIR) {
  await mkdir(dir, { recursive: true });
  const outfile = join(dir, `${name}-${process.pid}.mjs`);
  await build({ ...bundleOptions, stdin: { contents: lines.join('\n'), resolveDir: root, loader: 'ts' }, outfile });
  return outfile;
}
