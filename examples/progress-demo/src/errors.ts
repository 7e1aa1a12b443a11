/** Stable codes of the demo's own errors. */
export const DemoErrorCode = {
  ConfigInvalid: 'DEMO_CONFIG_INVALID',
  JobKindUnknown: 'DEMO_JOB_KIND_UNKNOWN',
  StoreUnavailable: 'DEMO_STORE_UNAVAILABLE',
} as const;
export type DemoErrorCode = (typeof DemoErrorCode)[keyof typeof DemoErrorCode];

export class DemoError extends Error {
  override name = 'DemoError';
  constructor(
    readonly code: DemoErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
