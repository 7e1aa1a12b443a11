import { frames } from '@inloop/protocol';
import { verifyUserAuthentication } from '@inloop/protocol/signing';
import type { ClientConnection } from './client-connection.js';

const SIGNIN_FAILED = 4009;

/** The signed-in user's id, or the reason the sign-in is refused. */
function signedInUser(connection: ClientConnection, data: { auth: string; user_data: string }): string | Error {
  const { app } = connection;
  if (!verifyUserAuthentication(app, connection.socketId, data.auth, data.user_data)) {
    return new Error('invalid user authentication for this socket id');
  }
  let userId: unknown;
  try {
    userId = (JSON.parse(data.user_data) as { id?: unknown } | null)?.id;
  } catch {
    return new Error('user_data is not valid JSON');
  }
  if (typeof userId !== 'string' || userId === '') return new Error('user_data needs an "id" string');
  if (userId.length > app.limits.maxUserIdLength) {
    return new Error(`user id is longer than ${app.limits.maxUserIdLength} characters`);
  }
  return userId;
}

/** `pusher:signin`: verifies the user authentication and remembers the user of this connection. */
export function handleSignin(connection: ClientConnection, data: { auth: string; user_data: string }): void {
  const { app } = connection;
  const userId = signedInUser(connection, data);
  if (userId instanceof Error) {
    connection.logger.debug({ socketId: connection.socketId, appId: app.id }, `signin refused: ${userId.message}`);
    connection.sendError(userId.message, SIGNIN_FAILED);
    return;
  }
  const { adapter } = connection.context;
  if (connection.userId !== undefined) adapter.removeUser(app.id, connection.userId, connection);
  connection.userId = userId;
  adapter.addUser(app.id, userId, connection);
  connection.send(frames.signinSuccess(data.user_data));
}
