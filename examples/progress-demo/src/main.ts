// `npm start`: the whole loop on this machine. Settings come from the environment (see config.ts).
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { configFromEnv } from './config.js';
import { startDemo } from './demo.js';
import { createLogger } from './log.js';

const here = dirname(fileURLToPath(import.meta.url));
const logger = createLogger('demo');

function clientBundle(): string {
  const bundle = join(dirname(fileURLToPath(import.meta.resolve('@inloop/client'))), 'inloop-client.full.iife.js');
  if (!existsSync(bundle)) {
    logger.error({ bundle }, 'the client bundle is missing: run `npm run build` at the repository root first');
    process.exit(1);
  }
  return readFileSync(bundle, 'utf8');
}

// The AWS SDK warns about Node 20 on every client; the demo's emulator does not care.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
const config = configFromEnv();
const demo = await startDemo({
  config,
  clientBundle: clientBundle(),
  publicDir: join(here, '..', 'public'),
  workerEntry: join(here, 'worker-main.js'),
  logger,
});
demo.supervisor?.on('line', (line) => process.stdout.write(`${line}\n`));

const transport = demo.inloopUrl.split(':')[0];
process.stdout.write(
  `\n  inloop progress demo: open ${demo.url}\n  transport: ${transport}${config.embeddedRelay ? ' (embedded relay)' : ''} · Ctrl-C to stop\n\n`,
);

let stopping = false;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    if (stopping) return;
    stopping = true;
    process.stdout.write('\n  stopping…\n');
    demo.stop().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  });
}
