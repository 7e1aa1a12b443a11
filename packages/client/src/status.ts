import { fetchOf } from './environment.js';
import { ClientErrorCode, InloopClientError } from './errors.js';
import type { WatchSettings } from './watch-settings.js';

/** Reads a task's snapshot from the app's status endpoint; undefined when the task is not known (404). */
export async function fetchTaskStatus(
  settings: Pick<WatchSettings, 'statusUrl' | 'statusHeaders' | 'fetch'>,
  taskId: string,
): Promise<unknown> {
  const url = settings.statusUrl!(taskId);
  const response = await fetchOf(settings)(url, {
    headers: { Accept: 'application/json', ...settings.statusHeaders() },
    credentials: 'same-origin',
    cache: 'no-store',
  });
  if (response.ok) return response.json();
  await response.body?.cancel();
  if (response.status !== 404) {
    const { status } = response;
    throw new InloopClientError(ClientErrorCode.StatusFailed, `GET ${url} answered ${status}`, status);
  }
}
