import { OfficeDutyRegistrationRepository } from './duty-registration.repository.js';
import { Injectable } from '@nestjs/common';
import type { Db, TransactionOptions } from './db.js';
import { AlertRepository } from './alert.repository.js';
import { AuditLogReader } from './audit.repository.js';
import { CalendarYearRepository } from './calendar-year.repository.js';
import { ConsoleUserRepository } from './console-user.repository.js';
import { DeadLetterRepository } from './dead-letter.repository.js';
import { HandoffBoardRepository } from './handoff-board.repository.js';
import { EvaluationQueries } from './evaluation.queries.js';
import { OfficeJointMeetingRepository } from './joint-meeting.repository.js';
import { OfficeLedgerRepository } from './ledger.repository.js';
import { ObligationRepository } from './obligation.repository.js';
import { OfficeHandoffRepository } from './office-handoff.repository.js';
import { PrismaService } from './prisma.service.js';
import { RosterRepository } from './roster.repository.js';

/** The repositories of the joint-meeting office's side: the scheduler and the console (第二十二条). */
export class OfficeStore {
  readonly obligations: ObligationRepository;
  readonly alerts: AlertRepository;
  readonly calendarYears: CalendarYearRepository;
  readonly roster: RosterRepository;
  readonly consoleUsers: ConsoleUserRepository;
  readonly board: HandoffBoardRepository;
  readonly handoffs: OfficeHandoffRepository;
  /** 第十九条 ¶1, 第二十条 ¶1: registered duties the scheduler plans */
  readonly registrations: OfficeDutyRegistrationRepository;
  /** the scheduler's own consumers' permanent failures */
  readonly deadLetters: DeadLetterRepository;
  /** the evidence log, read-only */
  readonly evidence: AuditLogReader;
  /** 第二十五条 台账: every unit's part, without citizen fields */
  readonly ledger: OfficeLedgerRepository;
  /** 第二十三条, 第二十五条: the figures per unit and period */
  readonly evaluation: EvaluationQueries;
  /** 第二十二条–第二十三条: notices, the units' meeting requests, the meetings' minutes and decisions */
  readonly jointMeeting: OfficeJointMeetingRepository;

  constructor(
    private readonly prisma: PrismaService,
    db: Db,
  ) {
    this.obligations = new ObligationRepository(db);
    this.alerts = new AlertRepository(db);
    this.calendarYears = new CalendarYearRepository(db);
    this.roster = new RosterRepository(db);
    this.consoleUsers = new ConsoleUserRepository(db);
    this.board = new HandoffBoardRepository(db);
    this.handoffs = new OfficeHandoffRepository(db);
    this.deadLetters = new DeadLetterRepository(db, 'scheduler');
    this.registrations = new OfficeDutyRegistrationRepository(db);
    this.evidence = new AuditLogReader(db);
    this.ledger = new OfficeLedgerRepository(db);
    this.evaluation = new EvaluationQueries(db);
    this.jointMeeting = new OfficeJointMeetingRepository(db);
  }

  transaction<T>(work: (store: OfficeStore) => Promise<T>, options: TransactionOptions = {}): Promise<T> {
    return this.prisma.$transaction((tx) => work(new OfficeStore(this.prisma, tx)), { timeout: options.timeoutMs ?? 10_000 });
  }
}

/** The office's scope: it watches every unit, so its repositories are not bound to one. */
@Injectable()
export class OfficeScope extends OfficeStore {
  constructor(prisma: PrismaService) {
    super(prisma, prisma);
  }
}
