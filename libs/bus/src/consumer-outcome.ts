import type { DeadLetterRecord } from '#contracts';

/**
 * What a consumer did with a message: processed, skipped as a duplicate, or
 * it throws — a plain error to be retried with backoff, a PermanentMessageError to be recorded
 * and dead-lettered at once.
 */
export type ConsumeOutcome = 'processed' | 'duplicate';

/** Retrying cannot help (invalid payload, unknown type, missing handoff): dead-letter it now. */
export class PermanentMessageError extends Error {
  override readonly name = 'PermanentMessageError';
}

export type DeadLetterRecorder = (record: DeadLetterRecord) => Promise<void>;
