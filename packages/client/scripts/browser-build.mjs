// esbuild settings of the browser bundles, shared by bundle.mjs, the size benchmark and the browser tests.
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { minify } from 'terser';

const packageDir = join(dirname(fileURLToPath(import.meta.url)), '..');
const protocolSrc = join(packageDir, '..', 'protocol', 'src');

/**
 * The browser bundles, by name. `iife` is the core (the global `Inloop`, the size the benchmark measures): it
 * loads `http` with a script tag the first time a websocket cannot be used. `esm` is split the same way by its
 * dynamic import; `esm-presence`, `esm-user` and `esm-adapters` go with it (with its property names, `namesOf`).
 * `full` carries everything at once: the HTTP fallback, presence, sign-in and the adapters.
 */
export const BROWSER_BUNDLES = {
  esm: { entry: 'index', format: 'esm', file: 'browser/inloop-client.min.js', split: true },
  'esm-presence': { entry: 'presence', format: 'esm', file: 'browser/inloop-client.presence.min.js', namesOf: 'esm' },
  'esm-user': { entry: 'user', format: 'esm', file: 'browser/inloop-client.user.min.js', namesOf: 'esm' },
  'esm-adapters': {
    entry: 'adapters/index',
    format: 'esm',
    file: 'browser/inloop-client.adapters.min.js',
    namesOf: 'esm',
  },
  iife: { entry: 'browser', format: 'iife', file: 'inloop-client.iife.js' },
  http: { entry: 'browser-http-fallback', format: 'iife', file: 'inloop-client.http.iife.js', namesOf: 'iife' },
  full: { entry: 'browser-full', format: 'iife', file: 'inloop-client.full.iife.js' },
};

/**
 * The client imports `@inloop/protocol`, whose index also exports the zod schemas. In the browser
 * bundle the import is pointed at the zod-free modules only, so zod never ships to browsers.
 */
const ZOD_FREE_PROTOCOL = ['task-state', 'task-reducer', 'channels', 'frames', 'errors'];
const zodFreeProtocol = {
  name: 'inloop-zod-free-protocol',
  setup(builder) {
    builder.onResolve({ filter: /^@inloop\/protocol$/ }, () => ({ path: 'protocol-browser', namespace: 'inloop' }));
    builder.onLoad({ filter: /^protocol-browser$/, namespace: 'inloop' }, () => ({
      contents: ZOD_FREE_PROTOCOL.map(
        (name) => `export * from ${JSON.stringify(join(protocolSrc, `${name}.ts`))};`,
      ).join('\n'),
      resolveDir: protocolSrc,
      loader: 'ts',
    }));
  },
};

/** Points imports of `<name>.js` at `<replacement>.ts` in the same directory. */
const swapModule = (name, replacement) => ({
  name: `inloop-swap-${name}`,
  setup(builder) {
    builder.onResolve({ filter: new RegExp(`/${name}\\.js$`) }, (args) => ({
      path: join(args.resolveDir, dirname(args.path), `${replacement}.ts`),
    }));
  },
});

/** Browsers have WebSocket and fetch: no Node checks in any browser bundle. */
const browserEnvironment = swapModule('environment', 'environment.browser');
/** The core IIFE cannot split a dynamic import, so it loads the HTTP fallback with a script tag instead. */
const scriptTagFallbackLoader = swapModule('load-http-fallback', 'load-http-fallback.script');

/**
 * Properties that never cross the public API, shortened in the browser bundles. A bundle built apart from the one
 * it works with takes that one's names (`namesOf`): the HTTP fallback IIFE the core's, the ES module presence,
 * sign-in and adapter entries the ES module client's. So a browser bundle goes only with its own entries for
 * those, never with the npm modules (`@inloop/client/presence`…), which keep the long names.
 */
const INTERNAL_PROPERTIES = [
  // between the connection and its transports (transport.ts), and the endpoints it hands them
  'onOpen',
  'onActivity',
  'onMessage',
  'onClose',
  'endpoints',
  'httpBase',
  'httpQuery',
  // a connection attempt (connection.ts)
  'handshakeTimer',
  'established',
  'errorCode',
  // what a channel needs from the client (channel.ts ChannelLink), and what the client calls on a channel
  'link',
  'authorize',
  'Members',
  'handle',
  'disconnected',
  // presence member lists (presence.ts), in the bundles that carry them
  'setMe',
  'receive',
  // what watchTask needs from a connection (task-feed.ts) and its resolved settings
  'watchChannel',
  'onData',
  'onSubscribed',
  'onRealtimeChange',
  'realtime',
  'refresh',
  'statusUrl',
];

/**
 * esbuild options of one bundle of BROWSER_BUNDLES, built in memory (outputs named as under `dist/`).
 * `mangleCache`: the shortened property names of the bundle this one must agree with.
 */
export function browserBuildOptions(name, mangleCache) {
  const bundle = BROWSER_BUNDLES[name];
  if (!bundle) throw new Error(`unknown browser bundle "${name}": one of ${Object.keys(BROWSER_BUNDLES).join(', ')}`);
  const outfile = join(packageDir, 'dist', bundle.file);
  const split = bundle.split === true;
  return {
    entryPoints: { [split ? 'inloop-client.min' : bundle.entry]: join(packageDir, 'src', `${bundle.entry}.ts`) },
    bundle: true,
    minify: true,
    target: ['es2022'],
    platform: 'browser',
    legalComments: 'none',
    logLevel: 'warning',
    mangleProps: new RegExp(`^(${INTERNAL_PROPERTIES.join('|')})$`),
    // Given (even empty), esbuild returns the names it chose, for a bundle that must agree with this one.
    mangleCache: { ...mangleCache },
    plugins: [zodFreeProtocol, browserEnvironment, ...(name === 'iife' ? [scriptTagFallbackLoader] : [])],
    // Class fields as constructor assignments: no separate field declarations in the output.
    tsconfigRaw: { compilerOptions: { useDefineForClassFields: false } },
    format: bundle.format,
    write: false,
    ...(split ? { splitting: true, outdir: dirname(outfile), chunkNames: 'inloop-client.[name]-[hash]' } : { outfile }),
  };
}

/** The shortened property names each bundle chose, kept for the bundles built apart that must use them too. */
const chosenNames = new Map();

function namesChosenBy(name) {
  if (!chosenNames.has(name))
    chosenNames.set(
      name,
      build(browserBuildOptions(name)).then((result) => result.mangleCache),
    );
  return chosenNames.get(name);
}

/**
 * Builds one bundle in memory: its output files (`entry` first, then chunks), each with its path relative to
 * `dist/`, and throws if any of them carries zod.
 */
export async function buildBrowserBundle(name) {
  const { namesOf } = BROWSER_BUNDLES[name] ?? {};
  const mangleCache = namesOf && (await namesChosenBy(namesOf));
  const result = await build(browserBuildOptions(name, mangleCache));
  chosenNames.set(name, Promise.resolve(result.mangleCache));
  const distDir = join(packageDir, 'dist');
  const module = BROWSER_BUNDLES[name].format === 'esm';
  const files = await Promise.all(
    result.outputFiles
      .filter((file) => file.path.endsWith('.js'))
      .map(async (file) => ({ path: file.path.slice(distDir.length + 1), text: await compress(file.text, module) })),
  );
  files.sort((a, b) => Number(b.path === BROWSER_BUNDLES[name].file) - Number(a.path === BROWSER_BUNDLES[name].file));
  for (const file of files) assertNoZod(file.text, file.path);
  return files;
}

/**
 * esbuild bundles and minifies; terser's compressor then takes about 4% more off the gzipped size of what every
 * page downloads (pusher-js ships through terser too). Only its safe transforms.
 */
async function compress(code, module) {
  const result = await minify(code, { module, compress: { passes: 3 }, format: { comments: false } });
  return result.code;
}

/** Throws when a bundle carries zod (a sign the protocol import leaked its schemas). */
export function assertNoZod(code, label) {
  if (/\bzod\b|ZodType|ZodError/i.test(code)) {
    throw new Error(`${label} contains zod: the client must import only the zod-free parts of @inloop/protocol`);
  }
}

export { packageDir };
