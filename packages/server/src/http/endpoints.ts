import { isTerminalState, taskIdSchema } from '@inloop/protocol';
import { type AuthorizerOptions, type AuthParams, createAuthorizer } from '../auth/authorizer.js';
import { EndpointErrorCode } from '../errors.js';
import { consoleLogger } from '../logger.js';
import { type EndpointResponse, errorResponse, INTERNAL_ERROR, NOT_FOUND } from './responses.js';

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

export function createEndpoints<R>(options: EndpointOptions<R>): InloopEndpoints<R> {
  const authorizer = createAuthorizer(options);
  const { store } = options.notifier;
  const logger = options.logger ?? consoleLogger;
  /** A failing store (e.g. Redis down) is logged here and shown to the browser only as a generic 500. */
  const guarded =
    (name: string, handler: (request: R, taskId: string) => Promise<EndpointResponse>) =>
    async (request: R, taskId: string): Promise<EndpointResponse> => {
      try {
        return await handler(request, taskId);
      } catch (error) {
        logger.error({ err: error, endpoint: name, taskId }, 'inloop endpoint failed');
        return INTERNAL_ERROR;
      }
    };

  return {
    auth: (request, body) => authorizer.authorize(request, body ?? {}),
    userAuth: (request, body) => authorizer.authorize(request, body ?? {}, 'user'),

    getTask: guarded('getTask', async (request, taskId) => {
      if (!taskIdSchema.safeParse(taskId).success) return NOT_FOUND;
      const access = await authorizer.checkTaskAccess(request, taskId);
      if (!access.ok) return access.response;
      return access.record.snapshot ? { status: 200, body: access.record.snapshot } : NOT_FOUND;
    }),

    cancelTask: guarded('cancelTask', async (request, taskId) => {
      if (!taskIdSchema.safeParse(taskId).success) return NOT_FOUND;
      const access = await authorizer.checkTaskAccess(request, taskId);
      if (!access.ok) return access.response;
      const snapshot = access.record.snapshot;
      if (snapshot && isTerminalState(snapshot.state)) {
        return errorResponse(409, EndpointErrorCode.TaskFinished, 'The task has already finished.', {
          state: snapshot.state,
        });
      }
      await store.requestCancel(taskId);
      return { status: 202, body: { task: taskId, cancelRequested: true } };
    }),
  };
}
