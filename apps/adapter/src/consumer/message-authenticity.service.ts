import { Inject, Injectable, Logger } from '@nestjs/common';
import { unitName } from '#units';
import type { AnyEnvelope, BusJobData } from '#contracts';
import { adapterConfig, type AdapterSettings, CLOCK, type Clock } from '#config';
import { officeRecipients } from '#deadlines';
import { PermanentMessageError } from '#bus';
import { partiesProblem } from '#handoffs';
import { DecryptionError, type NewAlert } from '#persistence';
import { verifyEnvelope } from '#security';
import { UnitContext } from '../api/unit.context.js';

/**
 * A message is recorded only when it is provably its sender's. Before the inbox
 * consumer records anything, the stored message must match its job (a replayed id with other
 * content does not), decrypt under its handoff, and carry a valid signature of a current key of the
 * unit it names as sender, and that sender must be the handoff's other party. Otherwise the office
 * is alerted, the refusal goes into the evidence log and the job is dead-lettered
 * (PermanentMessageError: the driver records it in DeadLetter and the dead-letter queue).
 */
@Injectable()
export class MessageAuthenticity {
  private readonly logger = new Logger(MessageAuthenticity.name);

  constructor(
    private readonly agency: UnitContext,
    @Inject(adapterConfig.KEY) private readonly settings: AdapterSettings,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  /**
   * Returns the stored message, verified, for the consumer to record without reading it again
   * (a stored message never changes: its signature covers it); null when it is not in the database.
   */
  async verify(job: BusJobData): Promise<AnyEnvelope | null> {
    let found;
    try {
      found = await this.agency.store.messages.findReceived(job.messageId);
    } catch (error) {
      if (error instanceof DecryptionError) return this.refuse(job, `its payload does not decrypt under its handoff (${error.message})`);
      throw error;
    }
    if (!found) return null; // the consumer dead-letters a message that is not in the database
    const { envelope, signature } = found;
    const differing = (['type', 'schemaVersion', 'handoffId', 'from', 'to'] as const).filter((field) => job[field] !== envelope[field]);
    if (differing.length > 0) return this.refuse(job, `the job does not match the stored message ${envelope.id} in ${differing.join(', ')} (a replayed id with other content)`);
    const result = verifyEnvelope(this.settings.signing.registry, envelope, signature, this.clock.now());
    if (!result.ok) return this.refuse(job, result.reason);
    // 第二十一条, 第二十四条: the signature proves who sent it, not that the sender has any business on
    // this handoff. Only the handoff's other party sends on it (the database refuses anything else
    // from a unit's login; this holds when that was bypassed).
    const handoff = await this.agency.store.handoffs.parties(envelope.handoffId);
    if (!handoff) return this.refuse(job, `handoff ${envelope.handoffId} is not one of ${this.agency.code}'s: a message on it from ${envelope.from} is not between its parties`);
    const problem = partiesProblem(handoff, this.agency.code, envelope);
    if (problem) return this.refuse(job, problem);
    return envelope;
  }

  private async refuse(job: BusJobData, reason: string): Promise<never> {
    const agency = this.agency.code;
    const alert: NewAlert = {
      dedupeKey: `message-refused.${agency}.${job.messageId}.${this.clock.now().getTime()}`,
      kind: 'message-refused',
      level: 'office',
      obligationId: null,
      handoffId: job.handoffId,
      agency,
      recipients: officeRecipients(),
      // Names units, ids and the reason; never a citizen.
      summary: `【消息被拒】${unitName(agency)}拒收消息 ${job.messageId}（称来自${unitName(job.from)}，handoff ${job.handoffId}）：${reason}`,
    };
    await this.agency.store.officeNotices.notify(alert);
    await this.agency.store.audit.append([{ actor: `${agency} adapter`, agency, handoffId: job.handoffId, action: 'message.refused', reason: `message ${job.messageId} from ${job.from}: ${reason}` }]);
    this.logger.warn({ msg: `refused message=${job.messageId} handoff=${job.handoffId} from=${job.from} at ${agency}: ${reason}`, messageId: job.messageId, handoffId: job.handoffId });
    throw new PermanentMessageError(`message ${job.messageId} refused: ${reason}`);
  }
}
