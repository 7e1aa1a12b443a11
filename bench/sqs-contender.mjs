// One of the SQS benchmark's side-by-side contenders, in its own process (own event loop, own CPU account).
// Parent → child over IPC: { start: true }, then { stop: true }. Child → parent: { ready }, { done }, { stopped }.
import { importBundle, sqsClient, startOurs } from './sqs-support.mjs';

const { endpoint, queueUrl, bundle, variant } = JSON.parse(process.argv[2]);
const inloop = await importBundle(bundle);
const sqs = sqsClient(endpoint);
let done = 0;
let reported = 0;
let stop;

const report = setInterval(() => {
  if (done !== reported) {
    reported = done;
    process.send({ done });
  }
}, 20);

process.on('message', async (message) => {
  if (message.start) {
    stop = await startOurs(inloop, sqs, queueUrl, variant, () => {
      done += 1;
    });
  } else if (message.stop) {
    clearInterval(report);
    const final = done;
    await stop?.();
    sqs.destroy();
    process.send({ stopped: true, done: final }, () => process.disconnect());
  }
});
process.send({ ready: true });
