import { fetchOf } from './environment.js';
import { ClientErrorCode, InloopClientError } from './errors.js';
import type { ResolvedOptions } from './options.js';

export interface ChannelAuth {
  auth: string;
  channel_data?: string;
  shared_secret?: string;
}

export interface UserAuth {
  auth: string;
  user_data: string;
}

/** POSTs a form like pusher-js does and reads the JSON answer. */
async function postForm(options: ResolvedOptions, endpoint: string, form: Record<string, string>): Promise<unknown> {
  const doFetch = fetchOf(options);
  const body = new URLSearchParams(form).toString();
  let response: Response;
  try {
    response = await doFetch(endpoint, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded', ...options.authHeaders() },
      body,
      credentials: 'same-origin',
    });
  } catch (error) {
    throw new InloopClientError(
      ClientErrorCode.AuthFailed,
      `could not reach ${endpoint}: ${(error as Error).message ?? String(error)}`,
    );
  }
  if (!response.ok) {
    await response.body?.cancel().catch(() => {});
    throw new InloopClientError(
      ClientErrorCode.AuthFailed,
      `${endpoint} answered ${response.status}; the user may not access this`,
      response.status,
    );
  }
  try {
    return await response.json();
  } catch {
    throw new InloopClientError(ClientErrorCode.AuthFailed, `${endpoint} did not answer JSON`, response.status);
  }
}

export async function authorizeChannel(
  options: ResolvedOptions,
  socketId: string,
  channelName: string,
): Promise<ChannelAuth> {
  if (!options.authEndpoint) {
    throw new InloopClientError(
      ClientErrorCode.ConfigInvalid,
      `channel "${channelName}" needs authorization: set \`authEndpoint\` in connect()`,
    );
  }
  const answer = (await postForm(options, options.authEndpoint, {
    socket_id: socketId,
    channel_name: channelName,
  })) as Partial<ChannelAuth> | null;
  if (!answer || typeof answer.auth !== 'string') {
    throw new InloopClientError(
      ClientErrorCode.AuthFailed,
      `${options.authEndpoint} answered without an "auth" string`,
    );
  }
  return answer as ChannelAuth;
}

export async function authenticateUser(options: ResolvedOptions, socketId: string): Promise<UserAuth> {
  if (!options.userAuthEndpoint) {
    throw new InloopClientError(ClientErrorCode.ConfigInvalid, 'signin() needs `userAuthEndpoint` in connect()');
  }
  const answer = (await postForm(options, options.userAuthEndpoint, {
    socket_id: socketId,
  })) as Partial<UserAuth> | null;
  if (!answer || typeof answer.auth !== 'string' || typeof answer.user_data !== 'string') {
    throw new InloopClientError(
      ClientErrorCode.AuthFailed,
      `${options.userAuthEndpoint} answered without "auth" and "user_data" strings`,
    );
  }
  return answer as UserAuth;
}
