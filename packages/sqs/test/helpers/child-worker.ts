import { type ChildProcess, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdir, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const packageDir = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

/**
 * Bundles a fixture (TypeScript, importing @inloop/* sources) into a runnable .mjs next to the package, so its
 * own imports (the AWS SDK, ioredis, ...) resolve from node_modules as usual. Returns the file and its cleanup.
 */
export async function bundleFixture(name: string): Promise<{ file: string; remove(): Promise<void> }> {
  const outDir = join(packageDir, 'test-artifacts');
  await mkdir(outDir, { recursive: true });
  const file = join(outDir, `${name}-${randomUUID().slice(0, 8)}.mjs`);
  await build({
    entryPoints: [join(packageDir, 'test', 'fixtures', `${name}.ts`)],
    outfile: file,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    conditions: ['source'],
    logLevel: 'silent',
    plugins: [
      {
        name: 'external-dependencies',
        setup(builder) {
          // Our workspace packages are bundled from source; everything else is loaded from node_modules.
          builder.onResolve({ filter: /^[^./]/ }, (args) =>
            args.path.startsWith('@inloop/') ? undefined : { path: args.path, external: true },
          );
        },
      },
    ],
  });
  return { file, remove: () => rm(file, { force: true }) };
}

/** Runs a bundled fixture; each stdout line is parsed as JSON and handed to onLine. */
export function runFixture(file: string, env: Record<string, string>, onLine: (value: unknown) => void): ChildProcess {
  const child = spawn(process.execPath, [file], {
    env: { ...process.env, ...env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let buffered = '';
  child.stdout!.setEncoding('utf8');
  child.stdout!.on('data', (chunk: string) => {
    buffered += chunk;
    let newline = buffered.indexOf('\n');
    while (newline >= 0) {
      const line = buffered.slice(0, newline);
      buffered = buffered.slice(newline + 1);
      if (line.trim() !== '') onLine(JSON.parse(line));
      newline = buffered.indexOf('\n');
    }
  });
  let stderr = '';
  child.stderr!.setEncoding('utf8');
  child.stderr!.on('data', (chunk: string) => {
    stderr = (stderr + chunk).slice(-4000);
  });
  child.on('exit', (code) => {
    if (code !== null && code !== 0) console.error(`fixture exited with ${code}:\n${stderr}`);
  });
  return child;
}

export function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once('exit', () => resolve()));
}
