/** No handoff has that id. */
export class HandoffNotFoundError extends Error {
  override readonly name = 'HandoffNotFoundError';
  constructor(readonly handoffId: string) {
    super(`handoff ${handoffId} does not exist`);
  }
}

/** The acting unit neither sent nor received the handoff. */
export class HandoffForbiddenError extends Error {
  override readonly name = 'HandoffForbiddenError';
  constructor(readonly handoffId: string, readonly agency: string) {
    super(`${agency} is not a party to handoff ${handoffId}`);
  }
}
