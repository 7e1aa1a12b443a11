// `npm run bench -- reporter [--seconds 1] [--rounds 3]`
// A job calling progress() in a tight loop for one second through the memory transport, beside the same loop
// without a reporter (the update is only stored). Prints calls per second, the cost of one progress() call, and how
// many events reached the transport against the throttle's allowance (one per interval, plus start and terminal).
// Needs a build first (`npm run build`): it loads @inloop/server from dist, as an application would.

const args = process.argv.slice(2);
const option = (name, fallback) => {
  const index = args.indexOf(`--${name}`);
  return index >= 0 ? Number(args[index + 1]) : fallback;
};
const SECONDS = option('seconds', 1);
const ROUNDS = option('rounds', 3);
const THROTTLE_MS = 250;
// The job yields to the event loop now and then, as a real job doing I/O does; otherwise no timer could ever fire.
const CALLS_BETWEEN_YIELDS = 10_000;

let server;
try {
  server = await import('@inloop/server');
} catch (error) {
  console.error(`Could not load @inloop/server (${error.message}). Run \`npm run build\` first.`);
  process.exit(1);
}
const { createNotifier, createMemoryTransport, createMemoryStore } = server;

const yieldToEventLoop = () => new Promise((resolve) => setImmediate(resolve));
const quietLogger = { debug() {}, info() {}, warn() {}, error: (context, message) => console.error(message, context) };

/** Calls `progress` as fast as it can for SECONDS, yielding every CALLS_BETWEEN_YIELDS calls; returns the calls made. */
async function tightLoop(progress) {
  const total = 1_000_000_000;
  const deadline = performance.now() + SECONDS * 1000;
  let calls = 0;
  while (performance.now() < deadline) {
    for (let i = 0; i < CALLS_BETWEEN_YIELDS; i += 1) {
      progress({ done: calls, total, message: 'working' });
      calls += 1;
    }
    await yieldToEventLoop();
  }
  return calls;
}

async function withoutReporter() {
  let last;
  const began = performance.now();
  const calls = await tightLoop((update) => {
    last = update;
  });
  const seconds = (performance.now() - began) / 1000;
  if (last === undefined) throw new Error('the baseline loop made no calls');
  return { calls, seconds };
}

async function withReporter(round) {
  const transport = createMemoryTransport();
  let events = 0;
  transport.subscribe('*', () => {
    events += 1;
  });
  const notifier = createNotifier(transport, {
    store: createMemoryStore(),
    throttleMs: THROTTLE_MS,
    logger: quietLogger,
  });
  const reporter = notifier.task(`bench-${process.pid}-${round}`, { owner: 'bench' });
  await reporter.start();
  const began = performance.now();
  const calls = await tightLoop((update) => reporter.progress(update));
  const seconds = (performance.now() - began) / 1000;
  await reporter.succeed({ calls });
  await notifier.close();
  return { calls, seconds, events };
}

console.log(`reporter: progress() in a tight loop for ${SECONDS} s, ${ROUNDS} rounds, throttle ${THROTTLE_MS} ms`);
const results = [];
for (let round = 1; round <= ROUNDS; round += 1) {
  globalThis.gc?.();
  const base = await withoutReporter();
  globalThis.gc?.();
  const ours = await withReporter(round);
  const baseRate = base.calls / base.seconds;
  const ourRate = ours.calls / ours.seconds;
  const overheadUs = (1 / ourRate - 1 / baseRate) * 1e6;
  // start + one progress per interval (a first one may go at once) + the terminal event
  const allowance = 2 + Math.ceil((ours.seconds * 1000) / THROTTLE_MS) + 1;
  results.push({ baseRate, ourRate, overheadUs, events: ours.events, allowance });
  console.log(
    `  round ${round}: without reporter ${(baseRate / 1e6).toFixed(1)} M calls/s · with reporter ` +
      `${(ourRate / 1e6).toFixed(2)} M calls/s · ${(1e6 / ourRate).toFixed(3)} µs per call ` +
      `(+${overheadUs.toFixed(3)} µs) · events sent ${ours.events} for ${ours.calls.toLocaleString('en')} calls ` +
      `(allowance ${allowance})`,
  );
}

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const perCallUs = 1e6 / median(results.map((r) => r.ourRate));
const worstEvents = Math.max(...results.map((r) => r.events - r.allowance));
console.log(
  `median: ${perCallUs.toFixed(3)} µs per progress() call (target < 2 µs: ${perCallUs < 2 ? 'met' : 'MISSED'}); ` +
    `overhead vs no reporter ${median(results.map((r) => r.overheadUs)).toFixed(3)} µs; ` +
    `ratio ${(median(results.map((r) => r.baseRate)) / median(results.map((r) => r.ourRate))).toFixed(1)}× slower than a bare store; ` +
    `events within allowance: ${worstEvents <= 0 ? 'yes' : `NO (${worstEvents} over)`}`,
);
