// `npm run bench -- <name>` runs bench/<name>.mjs; with no name it lists them.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const available = readdirSync(here)
  .filter((file) => file.endsWith('.mjs') && file !== 'run.mjs')
  .map((file) => file.slice(0, -'.mjs'.length));
const [name, ...rest] = process.argv.slice(2);

if (!name || !existsSync(join(here, `${name}.mjs`))) {
  console.error(name ? `No benchmark named "${name}".` : 'Name a benchmark to run.');
  console.error(`Available: ${available.join(', ') || '(none yet)'}`);
  console.error('Usage: npm run bench -- <name>');
  process.exit(name ? 1 : 0);
}
// The AWS SDK warns about Node 20 in every process that loads it; the benchmarks measure, they do not upgrade Node.
const env = { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true', ...process.env };
const result = spawnSync(process.execPath, ['--expose-gc', join(here, `${name}.mjs`), ...rest], {
  stdio: 'inherit',
  env,
});
process.exit(result.status ?? 1);
