import { Inject, Injectable } from '@nestjs/common';
import { CLOCK, type Clock } from '#config';
import { checkRegistration } from '#handoffs';
import type { DutyRegistration } from '#persistence';
import { UnitOfWork } from '../unit-of-work/unit-of-work.js';

export type RegistrationKind = 'investigation-ended' | 'lead-discovered';

/**
 * 第十九条 ¶1, 第二十条 ¶1: a duty the unit registers before it sends anything, once per case number
 * (the same caseRef again finds the first registration: `created` false), in the caller's unit of work.
 */
@Injectable()
export class RegistrationService {
  constructor(
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly unitOfWork: UnitOfWork,
  ) {}

  async register(kind: RegistrationKind, caseRef: string, statedOn: string): Promise<{ registration: DutyRegistration; created: boolean }> {
    const store = this.unitOfWork.store;
    const now = this.clock.now();
    checkRegistration(kind, store.agency, statedOn, now);
    return store.registrations.register({ id: crypto.randomUUID(), kind, caseRef, statedOn, registeredAt: now });
  }
}
