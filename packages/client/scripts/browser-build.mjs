// esbuild settings of the browser bundle, shared by bundle.mjs, the size benchmark and the browser test.
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const packageDir = join(dirname(fileURLToPath(import.meta.url)), '..');
const protocolSrc = join(packageDir, '..', 'protocol', 'src');

/**
 * The client imports `@inloop/protocol`, whose index also exports the zod schemas. In the browser
 * bundle the import is pointed at the zod-free modules only, so zod never ships to browsers.
 */
const ZOD_FREE_PROTOCOL = ['task-state', 'task-reducer', 'channels', 'frames', 'errors'];
const zodFreeProtocol = {
  name: 'inloop-zod-free-protocol',
  setup(build) {
    build.onResolve({ filter: /^@inloop\/protocol$/ }, () => ({ path: 'protocol-browser', namespace: 'inloop' }));
    build.onLoad({ filter: /^protocol-browser$/, namespace: 'inloop' }, () => ({
      contents: ZOD_FREE_PROTOCOL.map(
        (name) => `export * from ${JSON.stringify(join(protocolSrc, `${name}.ts`))};`,
      ).join('\n'),
      resolveDir: protocolSrc,
      loader: 'ts',
    }));
  },
};

/**
 * `entry`: the client alone (the size the benchmark measures: `index` as ESM, `browser` as the IIFE that
 * sets the global `Inloop`), or `browser-full` (IIFE with presence and the adapters).
 */
export function browserBuildOptions(format, outfile, entry = format === 'iife' ? 'browser' : 'index') {
  return {
    entryPoints: [join(packageDir, 'src', `${entry}.ts`)],
    bundle: true,
    minify: true,
    target: ['es2022'],
    platform: 'browser',
    legalComments: 'none',
    logLevel: 'warning',
    plugins: [zodFreeProtocol],
    // Class fields as constructor assignments: no separate field declarations in the output.
    tsconfigRaw: { compilerOptions: { useDefineForClassFields: false } },
    format,
    ...(outfile ? { outfile } : { write: false }),
  };
}

/** Throws when a bundle carries zod (a sign the protocol import leaked its schemas). */
export function assertNoZod(code, label) {
  if (/\bzod\b|ZodType|ZodError/i.test(code)) {
    throw new Error(`${label} contains zod: the client must import only the zod-free parts of @inloop/protocol`);
  }
}

export { packageDir };
