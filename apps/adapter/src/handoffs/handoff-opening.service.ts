import { Inject, Injectable, Logger } from '@nestjs/common';
import { instanceToPlain } from 'class-transformer';
import { projectEnvelope } from '#agencies';
import type { AgencyCode, HandoffKind } from '#contracts';
import { CLOCK, type Clock } from '#config';
import { type OpenCommand, openHandoffs } from '#handoffs';
import type { UnitStore } from '#persistence';
import type { OpenHandoffRequest } from '../api/open-handoff.dto.js';
import type { ApiResult } from './api-result.js';

/** Opens one handoff per recipient: decide (libs/handoffs), then save handoffs, steps and messages in the caller's unit of work. */
@Injectable()
export class HandoffOpeningService {
  private readonly logger = new Logger(HandoffOpeningService.name);

  constructor(@Inject(CLOCK) private readonly clock: Clock) {}

  async open(store: UnitStore, kind: HandoffKind, request: OpenHandoffRequest): Promise<ApiResult> {
    const { caseRef, recipients, ...content } = instanceToPlain(request) as { caseRef: string; recipients?: AgencyCode[] } & Record<string, unknown>;
    const command: OpenCommand = {
      kind,
      sender: store.agency,
      caseRef,
      requested: recipients,
      priorityGroups: request.priorityGroups,
      content: content as unknown as OpenCommand['content'],
    };
    const decision = openHandoffs(command, { now: this.clock.now(), newId: () => crypto.randomUUID() });
    await store.handoffs.saveOpened(decision.opened);
    await store.handoffs.recordSteps(decision);
    // 第二十四条: each recipient's opening message carries only its projection, cut before the message
    // is signed and stored (so the recipient neither receives nor keeps the rest); the sender's
    // handoff row keeps the full record.
    await store.messages.append(decision.messages.map(projectEnvelope));
    const handoffs = decision.opened.map(({ state }) => {
      const messageId = state.stepMessages.sent;
      this.logger.debug(`opened ${kind} handoff=${state.id} message=${messageId} from=${state.from} to=${state.to}`);
      return { id: state.id, kind, to: state.to, currentStep: state.currentStep, priority: state.priority, messageId };
    });
    return { status: 201, body: { requestId: decision.requestId, caseRef, handoffs } };
  }
}
