import { isTerminalState, taskIdSchema } from '@inloop/protocol';
import {
  type AuthorizerOptions,
  type AuthParams,
  createAuthorizer,
  type EndpointResponse,
} from '../auth/authorizer.js';

export type EndpointOptions<R> = AuthorizerOptions<R>;

/** The four endpoints a frontend needs, independent of any HTTP framework. */
export interface InloopEndpoints<R> {
  /** `POST /inloop/auth`: private/presence channel authorization, or an Ably token request. */
  auth(request: R, body: AuthParams | undefined): Promise<EndpointResponse>;
  /** `POST /inloop/user-auth`: Pusher user sign-in. */
  userAuth(request: R, body: AuthParams | undefined): Promise<EndpointResponse>;
  /** `GET /tasks/:id`: the task's snapshot. */
  getTask(request: R, taskId: string): Promise<EndpointResponse>;
  /** `POST /tasks/:id/cancel`: sets the cancel flag the worker polls. */
  cancelTask(request: R, taskId: string): Promise<EndpointResponse>;
}

const NOT_FOUND: EndpointResponse = { status: 404, body: { error: 'not found' } };

export function createEndpoints<R>(options: EndpointOptions<R>): InloopEndpoints<R> {
  const authorizer = createAuthorizer(options);
  const { store } = options.notifier;

  return {
    auth: (request, body) => authorizer.authorize(request, body ?? {}),
    userAuth: (request, body) => authorizer.authorize(request, body ?? {}, 'user'),

    async getTask(request, taskId) {
      if (!taskIdSchema.safeParse(taskId).success) return NOT_FOUND;
      const access = await authorizer.checkTaskAccess(request, taskId);
      if (!access.ok) return access.response;
      return access.record.snapshot ? { status: 200, body: access.record.snapshot } : NOT_FOUND;
    },

    async cancelTask(request, taskId) {
      if (!taskIdSchema.safeParse(taskId).success) return NOT_FOUND;
      const access = await authorizer.checkTaskAccess(request, taskId);
      if (!access.ok) return access.response;
      const snapshot = access.record.snapshot;
      if (snapshot && isTerminalState(snapshot.state)) {
        return { status: 409, body: { error: 'task already finished', state: snapshot.state } };
      }
      await store.requestCancel(taskId);
      return { status: 202, body: { task: taskId, cancelRequested: true } };
    },
  };
}
