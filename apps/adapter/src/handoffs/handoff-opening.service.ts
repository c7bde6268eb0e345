import { Inject, Injectable, Logger } from '@nestjs/common';
import type { UnitCode, HandoffKind, Priority } from '#contracts';
import { CLOCK, type Clock } from '#config';
import { type HandoffState, type OpenCommand, openHandoffs } from '#handoffs';
import type { OpeningRequests } from '../api/open-handoff.dto.js';
import { UnitOfWork } from '../unit-of-work/unit-of-work.js';

/** One handoff opened, as its sender learns of it. */
export interface OpenedHandoffSummary {
  id: string;
  kind: HandoffKind;
  to: UnitCode;
  currentStep: HandoffState['currentStep'];
  priority: Priority;
  messageId: string | undefined;
}

/** What opening handoffs decided: one handoff per recipient, all of one request. */
export interface OpenedHandoffs {
  requestId: string;
  caseRef: string;
  handoffs: OpenedHandoffSummary[];
}

/** Each kind's content: its request without what addresses it (caseRef, recipients), as the message carries it. */
const CONTENT: { [K in HandoffKind]: (request: OpeningRequests[K]) => OpenCommand<K>['content'] } = {
  'judicial-referral': ({ caseRef: _caseRef, recipients: _recipients, ...content }) => content,
  'advance-referral': ({ caseRef: _caseRef, recipients: _recipients, ...content }) => content,
  'social-lead': ({ caseRef: _caseRef, ...content }) => content,
  'urgent-medical-notice': ({ caseRef: _caseRef, ...content }) => content,
};

/** The domain's command for a validated request; the request copied to plain data (no class instances in what is stored and signed). */
function commandOf<K extends HandoffKind>(sender: UnitCode, kind: K, request: OpeningRequests[K]): OpenCommand<K> {
  const plain = structuredClone(request);
  return {
    kind,
    sender,
    caseRef: plain.caseRef,
    requested: 'recipients' in plain ? plain.recipients : undefined,
    priorityGroups: plain.priorityGroups,
    content: CONTENT[kind](plain),
  };
}

/** Opens one handoff per recipient: decide (libs/handoffs), then save the decision in the caller's unit of work. */
@Injectable()
export class HandoffOpeningService {
  private readonly logger = new Logger(HandoffOpeningService.name);

  constructor(
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly unitOfWork: UnitOfWork,
  ) {}

  async open<K extends HandoffKind>(kind: K, request: OpeningRequests[K]): Promise<OpenedHandoffs> {
    const store = this.unitOfWork.store;
    const command = commandOf(store.agency, kind, request);
    const decision = openHandoffs(command, { now: this.clock.now(), newId: () => crypto.randomUUID() });
    // 第二十四条: save cuts each recipient's opening message to its projection before it is signed and
    // stored; the sender's handoff row keeps the full record.
    await store.save(decision);
    const handoffs = decision.opened.map(({ state }) => {
      const messageId = state.stepMessages.sent;
      this.logger.debug(`opened ${kind} handoff=${state.id} message=${messageId} from=${state.from} to=${state.to}`);
      return { id: state.id, kind, to: state.to, currentStep: state.currentStep, priority: state.priority, messageId };
    });
    return { requestId: decision.requestId, caseRef: command.caseRef, handoffs };
  }
}
