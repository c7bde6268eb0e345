import type { Step } from '#contracts';

/** The unit may not send this kind of handoff, or not to that unit (第十九条, 第二十条). */
export class SenderNotAllowedError extends Error {
  override readonly name = 'SenderNotAllowedError';
}

/** Only the receiving unit reports the steps of 第二十一条 on a handoff. */
export class NotTheReceiverError extends Error {
  override readonly name = 'NotTheReceiverError';
  constructor(readonly handoffId: string) {
    super(`only the receiving unit reports steps on handoff ${handoffId}`);
  }
}

/** Only the sending unit takes the feedback of 第二十一条 back. */
export class NotTheSenderError extends Error {
  override readonly name = 'NotTheSenderError';
  constructor(readonly handoffId: string) {
    super(`only the sending unit receives the feedback on handoff ${handoffId}`);
  }
}

/**
 * 第二十一条, 第二十四条: a message on a handoff passes between its two parties only. A unit that is
 * not party to the handoff, or a message naming a third unit as recipient, is refused.
 */
export class NotAPartyError extends Error {
  override readonly name = 'NotAPartyError';
  constructor(readonly handoffId: string, reason: string) {
    super(reason);
  }
}

/** A date a unit states (startedOn, concludedOn, decidedOn) that cannot be true: in the future, or before the step it follows (第二十一条). */
export class StatedDateError extends Error {
  override readonly name = 'StatedDateError';
  readonly problems: { field: string; message: string }[];
  constructor(readonly field: string, message: string) {
    super(message);
    this.problems = [{ field, message }];
  }
}

/** A refusal giving the wrong kind of reason: 第六条 is the procuratorate's; a department gives its own. */
export class RefusalReasonError extends Error {
  override readonly name = 'RefusalReasonError';
  readonly problems: { field: string; message: string }[];
  constructor(readonly field: string, message: string) {
    super(message);
    this.problems = [{ field, message }];
  }
}

/** A step that does not exist for this kind of handoff (paying first is for urgent medical notices, 第二十条 ¶2). */
export class StepNotApplicableError extends Error {
  override readonly name = 'StepNotApplicableError';
  constructor(readonly step: Step, message: string) {
    super(message);
  }
}

/** 第十条–第十八条: a referral that does not state what the person needs. */
export class NeedsNotStatedError extends Error {
  override readonly name = 'NeedsNotStatedError';
  readonly problems = [{ field: 'needs', message: 'a referral states at least one of the person’s needs (第十条–第十八条); POST /routing/proposals lists them' }];
  constructor() {
    super('a referral states at least one of the person’s needs (第十条–第十八条)');
  }
}

/** 第十条–第十八条: a referral to a unit none of its stated needs points to, without a reason for it. */
export class RecipientNotRoutedError extends Error {
  override readonly name = 'RecipientNotRoutedError';
  readonly problems: { field: string; message: string }[];
  constructor(readonly units: readonly string[]) {
    super(`no stated need points to ${units.join(', ')} (第十条–第十八条); name the need, or give the reason in recipientReasons`);
    this.problems = units.map((unit) => ({ field: 'recipients', message: `no stated need points to ${unit} (第十条–第十八条) and recipientReasons gives no reason for it` }));
  }
}

/** 第九条, 第十九条, 第二十条: a handoff that lacks items of its materials checklist; lists every one. */
export class MaterialsMissingError extends Error {
  override readonly name = 'MaterialsMissingError';
  readonly problems: { field: string; message: string }[];
  constructor(readonly missing: readonly { field: string; labelZh: string; article: string }[]) {
    super(`materials missing: ${missing.map((item) => `${item.labelZh} (${item.field}, ${item.article})`).join('; ')}`);
    this.problems = missing.map((item) => ({ field: item.field, message: `缺少材料：${item.labelZh}（${item.article}）` }));
  }
}

/** A step reported before the one it follows, or twice (sent → received → procedure started → concluded → feedback). */
export class StepOutOfOrderError extends Error {
  override readonly name = 'StepOutOfOrderError';
  constructor(readonly step: Step, readonly currentStep: string, readonly required: Step | null) {
    super(`${step} cannot follow ${currentStep}; it requires ${required ?? 'nothing'} as the latest step`);
  }
}

/** The Idempotency-Key was used before for a different request. */
export class IdempotencyConflictError extends Error {
  override readonly name = 'IdempotencyConflictError';
  constructor(readonly key: string) {
    super(`Idempotency-Key ${key} was already used for a different request`);
  }
}

/** No handoff has that id. */
export class HandoffNotFoundError extends Error {
  override readonly name = 'HandoffNotFoundError';
  constructor(readonly handoffId: string) {
    super(`handoff ${handoffId} does not exist`);
  }
}

