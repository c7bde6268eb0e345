import { HttpStatus } from '@nestjs/common';
import type { DomainErrorStatuses } from '#http';
import {
  HandoffForbiddenError,
  HandoffNotFoundError,
  IdempotencyConflictError,
  NotTheReceiverError,
  NotTheSenderError,
  SenderNotAllowedError,
  StepOutOfOrderError,
} from '#handoffs';

/** The adapter's domain errors as HTTP answers. */
export const ADAPTER_ERROR_STATUSES: DomainErrorStatuses = [
  [HandoffNotFoundError, HttpStatus.NOT_FOUND],
  [HandoffForbiddenError, HttpStatus.FORBIDDEN],
  [SenderNotAllowedError, HttpStatus.FORBIDDEN],
  [NotTheReceiverError, HttpStatus.FORBIDDEN],
  [NotTheSenderError, HttpStatus.FORBIDDEN],
  [StepOutOfOrderError, HttpStatus.CONFLICT],
  [IdempotencyConflictError, HttpStatus.UNPROCESSABLE_ENTITY],
];
