// The validator's coded errors. Anything thrown as a ValidationRunError means "could not run" (exit 3).
import { CartstreamError, type ErrorCode } from "../pipeline/errors/index.ts";

export class ValidationRunError extends CartstreamError {
  constructor(code: ErrorCode, message: string, options: { cause?: unknown } = {}) {
    super(code, message, options);
    this.name = "ValidationRunError";
  }
}
