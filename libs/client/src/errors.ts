import type { components } from './generated/adapter.js';

/** The JSON problem every error of the bus's APIs carries. */
export type Problem = components['schemas']['Problem'];

/**
 * An answer outside 2xx, or no answer. `status` is the HTTP status (0 when the bus could not be
 * reached); `problem` is the bus's `{ statusCode, error, message, problems }`.
 */
export class BusApiError extends Error {
  override readonly name = 'BusApiError';

  constructor(
    readonly status: number,
    readonly problem: Problem,
    readonly method: string,
    readonly path: string,
    readonly headers?: Headers,
  ) {
    super(`${method} ${path}: ${status} ${problem.message}`);
  }

  /** The fields at fault, as the bus names them (`person.idNumber`). */
  get fields(): string[] {
    return (this.problem.problems ?? []).map((problem) => problem.field);
  }
}
