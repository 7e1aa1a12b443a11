import type { TaskEvent } from '@inloop/protocol';
import { fetchOf } from './environment.js';
import { ClientErrorCode, InloopClientError } from './errors.js';
import { snapshotAsEvent } from './task-view.js';
import type { WatchSettings } from './watch-settings.js';

/**
 * Reads a task's snapshot from the app's status endpoint, as an event to fold with the percent it showed;
 * undefined while the task is unknown (404). Any other answer is an error that says what came back.
 */
export async function readTaskStatus(
  settings: Pick<WatchSettings, 'statusUrl' | 'statusHeaders' | 'fetch'>,
  taskId: string,
): Promise<{ event: TaskEvent; percent: number } | undefined> {
  const url = settings.statusUrl!(taskId);
  const response = await fetchOf(settings)(url, {
    headers: { Accept: 'application/json', ...settings.statusHeaders() },
    cache: 'no-store',
  });
  const { status } = response;
  let answer = `${status}`;
  if (response.ok) {
    const read = snapshotAsEvent(await response.json(), taskId);
    if (read) return read;
    answer += " without the task's snapshot";
  } else {
    await response.body?.cancel();
    if (status === 404) return undefined;
  }
  throw new InloopClientError(ClientErrorCode.StatusFailed, `GET ${url} answered ${answer}`, status);
}
