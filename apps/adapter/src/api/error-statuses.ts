import { HttpStatus } from '@nestjs/common';
import type { DomainErrorStatuses } from '#http';
import { FollowOnRefusedError } from '../handoffs/follow-on.js';
import {
  AttachmentRefusedError,
  AttachmentTooLargeError,
  HandoffNotFoundError,
  IdempotencyConflictError,
  MaterialsMissingError,
  NotTheReceiverError,
  NotTheSenderError,
  RecipientNotRoutedError,
  NeedsNotStatedError,
  MeasureRefusedError,
  RefusalReasonError,
  SenderNotAllowedError,
  StatedDateError,
  StepNotApplicableError,
  StepOutOfOrderError,
} from '#handoffs';
import { UnitKeyMissingError } from '#persistence';

/** The adapter's domain errors as HTTP answers. */
export const ADAPTER_ERROR_STATUSES: DomainErrorStatuses = [
  // 第二十五条: a visit's follow-on handoff that cannot be opened as stated
  [FollowOnRefusedError, HttpStatus.BAD_REQUEST],
  [HandoffNotFoundError, HttpStatus.NOT_FOUND],
  [SenderNotAllowedError, HttpStatus.FORBIDDEN],
  [NotTheReceiverError, HttpStatus.FORBIDDEN],
  [NotTheSenderError, HttpStatus.FORBIDDEN],
  [StepOutOfOrderError, HttpStatus.CONFLICT],
  [StepNotApplicableError, HttpStatus.CONFLICT],
  // 第二十一条: a stated date in the future or before the step it follows; 第六条 cited by the wrong unit
  [StatedDateError, HttpStatus.BAD_REQUEST],
  [RefusalReasonError, HttpStatus.BAD_REQUEST],
  // 第十条–第十八条: a recipient no stated need points to, without a reason
  [RecipientNotRoutedError, HttpStatus.BAD_REQUEST],
  [NeedsNotStatedError, HttpStatus.BAD_REQUEST],
  [MeasureRefusedError, HttpStatus.BAD_REQUEST],
  // 第九条, 第十九条, 第二十条: the materials checklist, every missing item listed
  [MaterialsMissingError, HttpStatus.BAD_REQUEST],
  // 第九条, 第十九条: an attachment of a type not allowed, not what it says, or too large
  [AttachmentTooLargeError, HttpStatus.PAYLOAD_TOO_LARGE],
  [AttachmentRefusedError, HttpStatus.BAD_REQUEST],
  [IdempotencyConflictError, HttpStatus.UNPROCESSABLE_ENTITY],
  // 第二十四条: a recipient without a key of its own yet; the same request works once its adapter has started
  [UnitKeyMissingError, HttpStatus.SERVICE_UNAVAILABLE],
];
