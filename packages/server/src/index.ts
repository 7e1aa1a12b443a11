export { createNotifier, DEFAULT_THROTTLE_MS } from './notifier.js';
export type { Notifier, NotifierOptions, TaskOptions } from './notifier.js';

export { TaskReporter } from './tasks/reporter.js';
export type { ProgressUpdate } from './tasks/reporter.js';
export { TaskFailure } from './tasks/task-failure.js';
export type { ReportedError } from './tasks/task-failure.js';
export { EtaEstimator } from './tasks/eta.js';

export type { TaskRecord, TaskStore, TaskStoreTtlOptions } from './stores/task-store.js';
export { DEFAULT_ACTIVE_TTL_MS, DEFAULT_FINISHED_TTL_MS } from './stores/task-store.js';
export { createMemoryStore } from './stores/memory-store.js';
export type { MemoryStoreOptions } from './stores/memory-store.js';
export { createRedisStore } from './stores/redis-store.js';
export type { RedisStoreOptions } from './stores/redis-store.js';

export type {
  BatchEvent,
  ChannelAuthorization,
  PresenceMember,
  TokenRequestParams,
  Transport,
  TriggerOptions,
  UserAuthentication,
  UserData,
} from './transports/transport.js';
export { createTransport, isTransport } from './transports/create-transport.js';
export type { TransportInput, TransportList, TransportSpec } from './transports/create-transport.js';
export { createMemoryTransport } from './transports/memory.js';
export type { MemoryListener, MemoryMessage, MemoryTransport } from './transports/memory.js';
export { createLogTransport } from './transports/log.js';
export { createNullTransport } from './transports/null.js';
export { createFanOutTransport } from './transports/fan-out.js';
export { createFailoverTransport, DEFAULT_FAILOVER_COOL_DOWN_MS } from './transports/failover.js';
export type { FailoverOptions } from './transports/failover.js';

export { parseTransportConfig } from './config/parse-config.js';
export {
  ABLY_MAX_PAYLOAD_BYTES,
  PUSHER_MAX_PAYLOAD_BYTES,
  RELAY_DEFAULT_MAX_PAYLOAD_BYTES,
  RELAY_DEFAULT_PORT,
} from './config/schema.js';
export type { TransportConfig, TransportConfigInput, TransportKind } from './config/schema.js';
export { DEFAULT_RETRY_POLICY } from './delivery/retry.js';
export type { RetryPolicy } from './delivery/retry.js';

export { createAuthorizer } from './auth/authorizer.js';
export type {
  AuthAction,
  Authorizer,
  AuthorizerOptions,
  AuthParams,
  AuthUser,
  EndpointResponse,
  GetUser,
} from './auth/authorizer.js';
export { createEndpoints } from './http/endpoints.js';
export type { EndpointOptions, InloopEndpoints } from './http/endpoints.js';
export { createNodeHandler } from './http/node-handler.js';
export type { EndpointErrorBody } from './http/responses.js';
export type { NodeHandler, NodeHandlerOptions, NodeRequest } from './http/node-handler.js';

export {
  ConfigError,
  DeliveryError,
  EndpointErrorCode,
  InloopError,
  InvalidArgumentError,
  NotSupportedError,
  PayloadTooLargeError,
  ProviderMissingError,
  ServerErrorCode,
} from './errors.js';
export type { Logger } from './logger.js';
