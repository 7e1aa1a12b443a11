// The demo page: starts jobs and shows each one live through @inloop/client (global `Inloop`).
const KIND_NAMES = { normal: 'Normal job', flaky: 'Flaky job', failing: 'Failing job', long: 'Long job' };
const STATE_NAMES = {
  unknown: 'waiting',
  queued: 'queued',
  running: 'running',
  retrying: 'retrying',
  succeeded: 'succeeded',
  failed: 'failed',
  cancelled: 'cancelled',
};
const TERMINAL = new Set(['succeeded', 'failed', 'cancelled']);
const STORAGE_KEY = 'inloop-demo-jobs';

const jobsList = document.getElementById('jobs');
const template = document.getElementById('job-template');

async function readJson(response) {
  if (!response.ok) throw new Error(`${response.status} ${response.statusText}`);
  return response.json();
}

/** Shows the realtime connection's state and transport, discreetly. */
function showConnection(state, transport) {
  document.getElementById('connection').dataset.state = state;
  document.getElementById('connection-state').textContent = state;
  document.getElementById('connection-transport').textContent = transport || '';
}

function loadAbly() {
  return new Promise((resolve, reject) => {
    const script = document.createElement('script');
    script.src = 'https://cdn.ably.com/lib/ably.min-2.js';
    script.onload = () => resolve(globalThis.Ably);
    script.onerror = () => reject(new Error('could not load ably-js'));
    document.head.append(script);
  });
}

/** Polls the status endpoint: used only when the server has no realtime transport (memory://, log://). */
function pollingWatcher() {
  return {
    watchTask(taskId, onChange) {
      let timer;
      const tick = async () => {
        const snapshot = await fetch(`/tasks/${encodeURIComponent(taskId)}`)
          .then(readJson, () => null)
          .catch(() => null);
        if (snapshot) onChange({ ...snapshot, taskId, stalled: false, message: snapshot.progress?.message });
        if (!snapshot || !TERMINAL.has(snapshot.state)) timer = setTimeout(tick, 1000);
      };
      tick();
      return () => clearTimeout(timer);
    },
  };
}

/** Opens the realtime connection the server's transport calls for; returns something with watchTask(). */
async function openRealtime(transport) {
  const common = { authEndpoint: '/inloop/auth', statusEndpoint: '/tasks/{id}' };
  if (transport.kind === 'relay' || transport.kind === 'pusher') {
    const location = globalThis.location;
    const options =
      transport.kind === 'relay'
        ? {
            ...common,
            key: transport.key,
            wsHost: transport.wsHost ?? location.hostname,
            wsPort: transport.wsPort,
            forceTLS: transport.forceTLS,
          }
        : { ...common, key: transport.key, cluster: transport.cluster };
    const client = Inloop.connect(options);
    client.on('state_change', ({ current }) => showConnection(current, client.connection.transport));
    client.on('connected', ({ transport: name }) => showConnection('connected', name));
    showConnection(client.state, client.connection.transport);
    return client;
  }
  if (transport.kind === 'ably') {
    const Ably = await loadAbly();
    const watched = new Set();
    // Ably tokens name their channels, so the connection opens with the first task watched.
    const realtime = new Ably.Realtime({
      autoConnect: false,
      authCallback: (_params, done) => {
        fetch('/inloop/auth', {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ channels: [...watched] }),
        })
          .then(readJson)
          .then(
            (tokenRequest) => done(null, tokenRequest),
            (error) => done(error, null),
          );
      },
    });
    realtime.connection.on(({ current }) => showConnection(current, 'ably'));
    showConnection('waiting for a job', 'ably');
    const watcher = Inloop.fromAbly(realtime, { statusEndpoint: common.statusEndpoint });
    return {
      watchTask(taskId, onChange) {
        watched.add(`private-cache-task-${taskId}`);
        if (realtime.connection.state === 'initialized') realtime.connect();
        else realtime.auth.authorize().catch(() => {});
        return watcher.watchTask(taskId, onChange);
      },
    };
  }
  showConnection('polling', transport.transport);
  return pollingWatcher();
}

function formatEta(view) {
  if (view.state === 'retrying' && view.retryAt !== undefined) {
    const wait = view.retryAt - Date.now();
    return wait > 0 ? `next try in ~${Math.ceil(wait / 1000)} s` : 'next try now';
  }
  if (view.eta === undefined || TERMINAL.has(view.state)) return '';
  const left = view.eta - (Date.now() - (view.updatedAt ?? Date.now()));
  return left > 0 ? `~${Math.ceil(left / 1000)} s left` : 'almost done';
}

/** Renders one view of a task into its card; data-* attributes mirror what is shown (the tests read them). */
function render(card, view) {
  const percent = Math.round(view.percent ?? 0);
  card.dataset.state = view.state;
  card.dataset.percent = String(percent);
  card.dataset.attempt = String(view.attempt ?? 0);
  card.dataset.stalled = String(Boolean(view.stalled));
  let stateText = STATE_NAMES[view.state] ?? view.state;
  if (view.state === 'retrying') stateText = 'retrying…';
  card.querySelector('.state').textContent = stateText;
  card.querySelector('.attempt').textContent = view.attempt ? `attempt ${view.attempt}` : '';
  card.querySelector('.fill').style.width = `${percent}%`;
  card.querySelector('.bar').setAttribute('aria-valuenow', String(percent));
  card.querySelector('.percent').textContent = `${percent}%`;
  card.querySelector('.message').textContent =
    view.state === 'succeeded' ? 'Done.' : view.state === 'cancelled' ? 'Cancelled.' : (view.message ?? '');
  card.querySelector('.eta').textContent = formatEta(view);
  const error = card.querySelector('.error');
  error.hidden = !view.error;
  error.textContent = view.error ? view.error.message : '';
  if (TERMINAL.has(view.state)) card.querySelector('.cancel').hidden = true;
}

function savedJobs() {
  try {
    return JSON.parse(sessionStorage.getItem(STORAGE_KEY) ?? '[]');
  } catch {
    return [];
  }
}

function addCard(watcher, job) {
  document.getElementById('empty').hidden = true;
  const card = template.content.firstElementChild.cloneNode(true);
  card.dataset.taskId = job.taskId;
  card.dataset.kind = job.kind;
  card.querySelector('.kind').textContent = KIND_NAMES[job.kind] ?? job.kind;
  const cancel = card.querySelector('.cancel');
  cancel.hidden = job.kind !== 'long';
  cancel.addEventListener('click', async () => {
    cancel.disabled = true;
    await fetch(`/tasks/${encodeURIComponent(job.taskId)}/cancel`, { method: 'POST' }).catch(() => {});
  });
  render(card, { state: 'unknown', percent: 0, attempt: 0 });
  jobsList.prepend(card);
  let stop = null;
  let ended = false;
  stop = watcher.watchTask(job.taskId, (view) => {
    render(card, view);
    if (!TERMINAL.has(view.state)) return;
    ended = true;
    stop?.();
  });
  if (ended) stop();
}

async function main() {
  const config = await fetch('/config').then(readJson);
  document.getElementById('user').textContent = config.user;
  const watcher = await openRealtime(config.transport);
  for (const job of savedJobs()) addCard(watcher, job);
  for (const button of document.querySelectorAll('.start button')) {
    button.addEventListener('click', async () => {
      const kind = button.dataset.kind;
      const response = await fetch('/jobs', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ kind }),
      });
      if (!response.ok) return;
      const { taskId } = await response.json();
      sessionStorage.setItem(STORAGE_KEY, JSON.stringify([...savedJobs(), { taskId, kind }]));
      addCard(watcher, { taskId, kind });
    });
  }
  document.body.dataset.ready = 'true';
}

main().catch((error) => {
  showConnection('failed', String(error.message ?? error));
});
