import { UnitJointMeetingRepository } from './joint-meeting.repository.js';
import { Inject, Injectable, Optional } from '@nestjs/common';
import type { MessageSigner } from '#security';
import { projectEnvelope } from '#units';
import type { Decision, OpenedHandoff } from '#handoffs';
import type { UnitCode } from '#contracts';
import type { Db, TransactionOptions } from './db.js';
import { AlertRepository } from './alert.repository.js';
import { AttachmentRepository } from './attachment.repository.js';
import { AuditRepository } from './audit.repository.js';
import { DeadLetterRepository } from './dead-letter.repository.js';
import { UnitDutyRegistrationRepository } from './duty-registration.repository.js';
import { FieldProtection } from './field-protection.js';
import { HandoffRepository } from './handoff.repository.js';
import { IdempotencyRepository } from './idempotency.repository.js';
import { InboxRepository } from './inbox.repository.js';
import { UnitLedgerRepository } from './ledger.repository.js';
import { MessageRepository } from './message.repository.js';
import { OutboxRepository } from './outbox.repository.js';
import { PrismaService } from './prisma.service.js';
import { RosterRepository } from './roster.repository.js';

/** The process's unit key that signs every message it writes; the adapters provide it. */
export const MESSAGE_SIGNER = Symbol('MESSAGE_SIGNER');

/** The office's part a unit may write: the notice of its own roster change (第二十二条). */
export class OfficeNoticeRepository {
  private readonly alerts: AlertRepository;
  constructor(db: Db) {
    this.alerts = new AlertRepository(db);
  }

  notify(...args: Parameters<AlertRepository['create']>): Promise<boolean> {
    return this.alerts.create(...args);
  }
}

/** Everything one unit may read and write, each repository already bound to the unit. */
export class UnitStore {
  readonly handoffs: HandoffRepository;
  readonly messages: MessageRepository;
  readonly outbox: OutboxRepository;
  readonly inbox: InboxRepository;
  readonly idempotency: IdempotencyRepository;
  readonly deadLetters: DeadLetterRepository;
  readonly roster: { find(): ReturnType<RosterRepository['find']>; save(people: Parameters<RosterRepository['save']>[1]): ReturnType<RosterRepository['save']> };
  readonly officeNotices: OfficeNoticeRepository;
  /** 第十九条 ¶1, 第二十条 ¶1: duties the unit registers before it sends anything */
  readonly registrations: UnitDutyRegistrationRepository;
  /** 第九条, 第十九条: documents of the unit's handoffs */
  readonly attachments: AttachmentRepository;
  /** the unit's chain of the evidence log */
  readonly audit: AuditRepository;
  /** 第二十五条 台账: the measures the unit takes, and a person's ledger as the unit may see it */
  readonly ledger: UnitLedgerRepository;
  /** 第二十二条: the office's notices to the unit, and its requests for an ad hoc meeting */
  readonly jointMeeting: UnitJointMeetingRepository;

  constructor(
    private readonly prisma: PrismaService,
    db: Db,
    readonly agency: UnitCode,
    private readonly protection: FieldProtection,
    private readonly signer: MessageSigner | null = null,
  ) {
    this.audit = new AuditRepository(prisma, db, agency, signer?.agency === agency ? signer : null);
    this.handoffs = new HandoffRepository(db, agency, protection, this.audit);
    this.messages = new MessageRepository(db, agency, protection, signer?.agency === agency ? signer : null);
    this.outbox = new OutboxRepository(db, agency);
    this.inbox = new InboxRepository(db, agency, protection);
    this.idempotency = new IdempotencyRepository(db, agency, protection);
    this.deadLetters = new DeadLetterRepository(db, agency);
    const roster = new RosterRepository(db);
    this.roster = { find: () => roster.find(agency), save: (people) => roster.save(agency, people) };
    this.officeNotices = new OfficeNoticeRepository(db);
    this.registrations = new UnitDutyRegistrationRepository(db, agency);
    this.attachments = new AttachmentRepository(db, agency, this.handoffs, protection);
    this.ledger = new UnitLedgerRepository(db, agency, protection, this.handoffs, this.audit);
    this.jointMeeting = new UnitJointMeetingRepository(db, agency);
  }

  /**
   * A decision of libs/handoffs, written: the handoffs it opens, the steps it records and the
   * messages they cause. The one way an app writes a decision, so that nothing it writes can skip
   * what goes with it: citizen fields encrypted (FieldProtection, in the handoff and message
   * repositories), each opening message cut to its recipient's projection before it is signed and
   * stored (第二十四条), each envelope signed with the unit's key, one outbox row per message, and the
   * evidence of each opening and step (appended to the unit's chain at the end of the transaction).
   */
  async save(decision: Decision & { opened?: readonly OpenedHandoff[] }): Promise<void> {
    if (decision.opened) await this.handoffs.saveOpened(decision.opened);
    await this.handoffs.recordSteps(decision);
    await this.messages.append(decision.messages.map(projectEnvelope));
  }

  /**
   * One unit of work: the repositories handed to `work` write in one transaction. Its evidence is
   * appended last, in one write: the unit's chain lock, which every transaction of the
   * unit that writes evidence waits for, is taken after the work's row locks and held only for
   * that write and the commit.
   */
  transaction<T>(work: (store: UnitStore) => Promise<T>, options: TransactionOptions = {}): Promise<T> {
    return this.prisma.$transaction(
      async (tx) => {
        const store = new UnitStore(this.prisma, tx, this.agency, this.protection, this.signer);
        store.audit.defer();
        const result = await work(store);
        await store.audit.flush();
        return result;
      },
      { timeout: options.timeoutMs ?? 10_000 },
    );
  }
}

/**
 * The only way an app reaches a unit's rows: `scope.for(unit)` returns
 * repositories bound to that unit, so a query that forgets the unit cannot be written outside
 * libs/persistence.
 */
@Injectable()
export class UnitScope {
  private readonly stores = new Map<UnitCode, UnitStore>();

  constructor(
    private readonly prisma: PrismaService,
    private readonly protection: FieldProtection,
    @Optional() @Inject(MESSAGE_SIGNER) private readonly signer: MessageSigner | null = null,
  ) {}

  for(agency: UnitCode): UnitStore {
    let store = this.stores.get(agency);
    if (!store) {
      store = new UnitStore(this.prisma, this.prisma, agency, this.protection, this.signer);
      this.stores.set(agency, store);
    }
    return store;
  }
}
