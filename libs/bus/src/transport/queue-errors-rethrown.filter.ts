import { Catch, type ExceptionFilter } from '@nestjs/common';

/**
 * Nest's RPC exception filter turns any error into `{ status: 'error', message }`: the driver would
 * no longer see a PermanentMessageError (dead-letter now) apart from a passing failure (retry with
 * backoff), and dead letters would read "Internal server error". Registered globally on the queue
 * transport, this filter hands every error back to the driver as it was thrown.
 */
@Catch()
export class QueueErrorsRethrown implements ExceptionFilter {
  catch(exception: unknown): never {
    throw exception;
  }
}
