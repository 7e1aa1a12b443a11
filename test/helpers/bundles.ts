import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build, type Plugin } from 'esbuild';
import { artifactsDir, demoDir, repoRoot } from './paths.js';

/** Everything but the workspace's own packages and relative files stays an import of node_modules. */
const externalDependencies: Plugin = {
  name: 'external-dependencies',
  setup(builder) {
    builder.onResolve({ filter: /^[^./]/ }, (args) =>
      args.path.startsWith('@inloop/') ? undefined : { path: args.path, external: true },
    );
  },
};

/**
 * Bundles one of the demo's process entries (worker-main, relay-main) from TypeScript sources, with
 * `@inloop/*` taken from the packages' sources like the tests do, so child processes run the code under test
 * without a build. Returns the path of the bundle.
 */
export async function bundleDemoEntry(name: 'worker-main' | 'relay-main'): Promise<string> {
  const outdir = join(artifactsDir, 'e2e-build');
  mkdirSync(outdir, { recursive: true });
  const outfile = join(outdir, `${name}-${process.pid}.mjs`);
  await build({
    entryPoints: [join(demoDir, 'src', `${name}.ts`)],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    conditions: ['source'],
    plugins: [externalDependencies],
    logLevel: 'warning',
    sourcemap: 'inline',
  });
  return outfile;
}

/** The client's full browser bundle (IIFE exposing `Inloop`, adapters included), as the demo serves it, built in memory from the client's sources. */
export async function clientIifeBundle(): Promise<string> {
  const script = join(repoRoot, 'packages', 'client', 'scripts', 'browser-build.mjs');
  const { buildBrowserBundle } = (await import(pathToFileURL(script).href)) as {
    buildBrowserBundle(name: 'full'): Promise<Array<{ path: string; text: string }>>;
  };
  const [file] = await buildBrowserBundle('full');
  if (!file) throw new Error('esbuild produced no client bundle');
  return file.text;
}

export function readDemoFile(...path: string[]): string {
  return readFileSync(join(demoDir, ...path), 'utf8');
}
