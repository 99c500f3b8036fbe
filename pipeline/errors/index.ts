// Coded errors. Every message says what happened, what was expected, and what to do.

export const ERROR_CODES = {
  BAD_CONFIG: "CS_BAD_CONFIG",
  BAD_FLAG: "CS_BAD_FLAG",
  BAD_INPUT: "CS_BAD_INPUT",
  /** Persisted state the code could not have written (corrupt, or from incompatible options). */
  BAD_STATE: "CS_BAD_STATE",
  SERVICE_UNAVAILABLE: "CS_SERVICE_UNAVAILABLE",
  FENCED: "CS_FENCED",
  STORE: "CS_STORE",
  NOT_FOUND: "CS_NOT_FOUND",
  EMPTY: "CS_EMPTY",
} as const;
export type ErrorCode = (typeof ERROR_CODES)[keyof typeof ERROR_CODES];

export class CartstreamError extends Error {
  readonly code: ErrorCode;
  /** true when retrying the same operation later may succeed (a service was down, a lock was held). */
  readonly retriable: boolean;
  constructor(code: ErrorCode, message: string, options: { retriable?: boolean; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = "CartstreamError";
    this.code = code;
    this.retriable = options.retriable ?? false;
  }
}

/** A value a caller passed that the function cannot use; the message names it and what is allowed. */
export function badInput(message: string): CartstreamError {
  return new CartstreamError(ERROR_CODES.BAD_INPUT, message);
}

/** Bad configuration file or value: names the key path and what is allowed. */
export class ConfigError extends CartstreamError {
  readonly issues: string[];
  constructor(source: string, issues: string[]) {
    super(ERROR_CODES.BAD_CONFIG, `invalid config ${source}:\n  - ${issues.join("\n  - ")}`);
    this.name = "ConfigError";
    this.issues = issues;
  }
}

/** Bad command-line usage: names the flag and the allowed values. */
export class UsageError extends CartstreamError {
  constructor(message: string) {
    super(ERROR_CODES.BAD_FLAG, message);
    this.name = "UsageError";
  }
}

/** A store's fencing check failed: another consumer owns the partition now. */
export class FencedError extends CartstreamError {
  constructor(partition: number, expected: bigint | number, actual: bigint | number | null) {
    super(
      ERROR_CODES.FENCED,
      `partition ${partition}: expected committed offset ${expected} but the store has ${actual ?? "none"}; another consumer owns this partition now, this one must stop and reload`,
      { retriable: true },
    );
    this.name = "FencedError";
  }
}

export function serviceUnavailable(
  service: string,
  url: string,
  cause: unknown,
  hint: string,
): CartstreamError {
  const why = cause instanceof Error ? cause.message : String(cause);
  return new CartstreamError(
    ERROR_CODES.SERVICE_UNAVAILABLE,
    `cannot reach ${service} at ${url}: ${why}. ${hint}`,
    {
      retriable: true,
      cause,
    },
  );
}
