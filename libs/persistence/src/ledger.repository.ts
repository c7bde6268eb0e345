import { detailsFor } from '#units';
import type { UnitCode, HandoffKind, Step } from '#contracts';
import { HandoffNotFoundError, type MeasureKind, type MeasureStatus } from '#handoffs';
import type { AuditRepository } from './audit.repository.js';
import type { Db } from './db.js';
import { fromDb } from './db-enums.js';
import type { FieldProtection } from './field-protection.js';
import type { Prisma } from './generated/prisma/client.js';
import type { HandoffRepository } from './handoff.repository.js';

/** A measure as the ledger shows it; `note` only to the unit that took it. */
export interface LedgerMeasure {
  id: string;
  handoffId: string;
  agency: string;
  kind: MeasureKind;
  status: MeasureStatus;
  decidedOn: string;
  amountFen: number | null;
  instalments: number | null;
  recordedAt: Date;
  note?: string;
}

/** One handoff of the person, as the ledger shows it: the steps and their dates (第八条: not the details). */
export interface LedgerHandoff {
  handoffId: string;
  /** the referral (request) it belongs to: the handoffs of one request are a shared case (第八条) */
  requestId: string;
  kind: HandoffKind;
  from: string;
  to: string;
  caseRef: string;
  openedAt: Date;
  currentStep: Step;
  archived: boolean;
  steps: { step: Step; at: Date; statedOn?: string }[];
  /** the measures taken on this handoff (a unit sees these on its own handoffs only) */
  measures: LedgerMeasure[];
}

/** 第二十五条 台账: one person across the units, as one reader may see it. */
export interface PersonLedger {
  /** the person's name and ID number as the reader's own handoffs hold them (null for the office, which holds no key) */
  person: { name?: string; idNumber?: string } | null;
  /** handoffs the reader is party to, with their measures */
  own: LedgerHandoff[];
  /** other units' handoffs of the same referrals (第八条): steps and dates, no details, no measures */
  shared: LedgerHandoff[];
}

export interface NewMeasure {
  id: string;
  handoffId: string;
  kind: MeasureKind;
  status: MeasureStatus;
  decidedOn: string;
  amountFen: number | null;
  instalments: number | null;
  note: string | null;
  recordedAt: Date;
}

/** A follow-up visit (第二十五条 回访) as the ledger export shows it: the day and the situation after the help, no note or visitor. */
export interface LedgerVisit {
  step: 'follow-up-visit-1' | 'follow-up-visit-2';
  visitedOn: string;
  /** improved | unchanged | worse (libs/contracts VISIT_SITUATIONS) */
  situationAfter: string;
}

/** One row of a unit's ledger export: a handoff of the period with its person, measures and follow-up visits. */
export interface LedgerExportRow {
  handoff: LedgerHandoff;
  person: { name?: string; idNumber?: string };
  /** the visits made, in order */
  visits: LedgerVisit[];
  /** the deadline of the next visit still owed (the scheduler's open visit duty), if any */
  nextVisitDueAt: Date | null;
}

type HandoffRow = Omit<Prisma.HandoffGetPayload<{ include: { steps: true; measures: true } }>, 'details'>;

function statedOnOf(details: unknown): string | undefined {
  const stated = details as Record<string, unknown>;
  return [stated.startedOn, stated.concludedOn, stated.decidedOn, stated.visitedOn].find((value): value is string => typeof value === 'string');
}

/** The visits recorded on a handoff, first to last; their day and situation are plain fields (the visitor and note are not read). */
function visitsOf(row: HandoffRow): LedgerVisit[] {
  return row.steps
    .map((step) => ({ step: fromDb(step.step), details: step.details as Record<string, unknown> }))
    .filter((step): step is typeof step & { step: LedgerVisit['step'] } => step.step === 'follow-up-visit-1' || step.step === 'follow-up-visit-2')
    .sort((a, b) => a.step.localeCompare(b.step))
    .map((step) => ({
      step: step.step,
      visitedOn: typeof step.details.visitedOn === 'string' ? step.details.visitedOn : '',
      situationAfter: typeof step.details.situationAfter === 'string' ? step.details.situationAfter : '',
    }));
}

function measureOf(row: HandoffRow['measures'][number]): LedgerMeasure {
  return {
    id: row.id,
    handoffId: row.handoffId,
    agency: row.agency,
    kind: row.kind as MeasureKind,
    status: row.status as MeasureStatus,
    decidedOn: row.decidedOn,
    amountFen: row.amountFen,
    instalments: row.instalments,
    recordedAt: row.recordedAt,
  };
}

function ledgerHandoff(row: HandoffRow, measures: LedgerMeasure[]): LedgerHandoff {
  return {
    handoffId: row.id,
    requestId: row.requestId,
    kind: fromDb(row.kind),
    from: row.fromAgency,
    to: row.toAgency,
    caseRef: row.caseRef,
    openedAt: row.openedAt,
    currentStep: fromDb(row.currentStep),
    archived: row.archivedAt !== null,
    steps: [...row.steps]
      .sort((a, b) => a.occurredAt.getTime() - b.occurredAt.getTime() || a.recordedAt.getTime() - b.recordedAt.getTime())
      .map((step) => {
        const statedOn = statedOnOf(step.details);
        return { step: fromDb(step.step), at: step.occurredAt, ...(statedOn ? { statedOn } : {}) };
      }),
    measures,
  };
}

const WITH_STEPS_AND_MEASURES = { steps: true, measures: { orderBy: [{ decidedOn: 'asc' as const }, { recordedAt: 'asc' as const }] } };
/** 第二十四条: a unit's login reads no "Handoff".details; the person comes from the unit's own copy. */
const WITHOUT_DETAILS = { details: true } as const;

/**
 * One unit's part of the ledger (第二十五条), bound to the unit by UnitScope: the measures it
 * records on handoffs it is party to, and a person's ledger as the unit may see it — its own
 * handoffs and measures in full, and, for the referrals it shares, the other units' steps only.
 */
export class UnitLedgerRepository {
  constructor(
    private readonly db: Db,
    private readonly agency: UnitCode,
    private readonly protection: FieldProtection,
    private readonly handoffs: HandoffRepository,
    private readonly audit: AuditRepository,
  ) {}

  /**
   * Records a measure on a handoff the unit is party to (the caller checked it with
   * handoffs.findVisible); the note encrypted, the person linked by the handoff's keyed hash.
   */
  async record(measure: NewMeasure): Promise<LedgerMeasure> {
    const row = await this.db.handoff.findFirst({
      where: { id: measure.handoffId, OR: [{ fromAgency: this.agency }, { toAgency: this.agency }] },
      select: { personIdHash: true },
    });
    if (!row) throw new HandoffNotFoundError(measure.handoffId);
    const sealed = await this.protection.seal(measure.handoffId, measure.note ? { note: measure.note } : {});
    const stored = await this.db.assistanceMeasure.create({
      data: {
        id: measure.id,
        handoffId: measure.handoffId,
        agency: this.agency,
        personIdHash: row.personIdHash,
        kind: measure.kind,
        status: measure.status,
        decidedOn: measure.decidedOn,
        amountFen: measure.amountFen,
        instalments: measure.instalments,
        details: sealed.value as Prisma.InputJsonValue,
        dataKeyId: sealed.dataKeyId,
        recordedAt: measure.recordedAt,
      },
    });
    await this.audit.append([
      { actor: `${this.agency} (its system, through the API)`, agency: this.agency, handoffId: measure.handoffId, action: 'measure.recorded', reason: `${measure.kind} ${measure.status}` },
    ]);
    return { ...measureOf({ ...stored }), ...(measure.note ? { note: measure.note } : {}) };
  }

  /** The unit's measures on one of its handoffs, with their notes. */
  async forHandoff(handoffId: string): Promise<LedgerMeasure[]> {
    await this.handoffs.findVisible(handoffId);
    const rows = await this.db.assistanceMeasure.findMany({ where: { handoffId, agency: this.agency }, orderBy: [{ decidedOn: 'asc' }, { recordedAt: 'asc' }] });
    return Promise.all(rows.map((row) => this.withNote(row)));
  }

  /**
   * A person's ledger as the unit may see it, found by the keyed hash of the ID number. Not found
   * (404) when the unit is party to none of the person's handoffs: a unit learns nothing of people
   * it does not serve.
   */
  async forPerson(idNumber: string): Promise<PersonLedger> {
    const personIdHash = { in: this.protection.lookupHashes(idNumber) };
    const mine = await this.db.handoff.findMany({
      where: { personIdHash, OR: [{ fromAgency: this.agency }, { toAgency: this.agency }] },
      omit: WITHOUT_DETAILS,
      include: { ...WITH_STEPS_AND_MEASURES, copies: { where: { agency: this.agency } } },
      orderBy: [{ openedAt: 'asc' }, { id: 'asc' }],
    });
    if (mine.length === 0) throw new HandoffNotFoundError('a person with that ID number in this unit’s ledger');
    // 第八条: the other handoffs of the referrals the unit is party to — steps and dates only, through
    // bus_case_progress() (row-level security hides them otherwise).
    const mineIds = new Set(mine.map((row) => row.id));
    const anchors = [...new Map(mine.map((row) => [row.requestId, row.id])).values()];
    const others = (await Promise.all(anchors.map((id) => this.handoffs.caseHandoffs(id)))).flat().filter((handoff) => !mineIds.has(handoff.handoffId));
    const own = await Promise.all(mine.map(async (row) => ledgerHandoff(row, await Promise.all(row.measures.filter((m) => m.agency === this.agency).map((m) => this.withNote(m))))));
    const person = await this.personOf(mine[mine.length - 1]);
    await this.audit.append(
      mine.map((row) => ({ actor: `${this.agency} (its system, through the API)`, agency: this.agency, handoffId: row.id, action: 'person-data.read', reason: 'ledger (台账) of the person' })),
    );
    return {
      person,
      own,
      shared: others.map(({ handoffId, requestId, kind, from, to, caseRef, openedAt, currentStep, archived, steps }) => ({
        handoffId,
        requestId,
        kind,
        from,
        to,
        caseRef,
        openedAt,
        currentStep,
        archived,
        steps,
        measures: [],
      })),
    };
  }

  /**
   * The unit's ledger for an export: its handoffs (sent or received) opened in [from, to), each with
   * the person (decrypted: the unit's own record) and the unit's measures. The export is a read of
   * every person in it: one evidence record says so.
   */
  async exportRows(from: Date, to: Date, limit: number, actor: string): Promise<LedgerExportRow[]> {
    const rows = await this.db.handoff.findMany({
      where: { OR: [{ fromAgency: this.agency }, { toAgency: this.agency }], openedAt: { gte: from, lt: to } },
      omit: WITHOUT_DETAILS,
      include: { ...WITH_STEPS_AND_MEASURES, copies: { where: { agency: this.agency } } },
      orderBy: [{ openedAt: 'asc' }, { id: 'asc' }],
      take: limit,
    });
    // 第二十五条: the visit duties still open on these handoffs (row-level security shows a unit the duties of its handoffs).
    const owed = await this.db.obligation.findMany({
      where: { handoffId: { in: rows.map((row) => row.id) }, rule: { in: ['follow-up-visit-1', 'follow-up-visit-2'] }, status: 'open' },
      select: { handoffId: true, dueAt: true },
      orderBy: { dueAt: 'asc' },
    });
    const nextVisit = new Map<string, Date>();
    for (const duty of owed) if (!nextVisit.has(duty.handoffId)) nextVisit.set(duty.handoffId, duty.dueAt);
    const result = await Promise.all(
      rows.map(async (row) => {
        const measures = await Promise.all(row.measures.filter((m) => m.agency === this.agency).map((m) => this.withNote(m)));
        return { handoff: ledgerHandoff(row, measures), person: await this.personOf(row), visits: visitsOf(row), nextVisitDueAt: nextVisit.get(row.id) ?? null };
      }),
    );
    await this.audit.append([
      { actor, agency: this.agency, handoffId: null, action: 'ledger.exported', reason: `${rows.length} handoffs opened ${from.toISOString()}–${to.toISOString()}` },
    ]);
    return result;
  }

  /**
   * The person's name and ID number as this unit may read them: the sender from its record, the
   * recipient from its projection (第二十四条), each from its own copy — cut before anything is decrypted,
   * and only the person.
   */
  private async personOf(row: { id: string; kind: string; fromAgency: string; toAgency: string; copies: readonly { agency: string; details: unknown }[] }): Promise<{ name?: string; idNumber?: string }> {
    const copy = row.copies.find((candidate) => candidate.agency === this.agency);
    if (!copy) return {};
    const visible = detailsFor(this.agency, { kind: fromDb(row.kind), fromAgency: row.fromAgency, toAgency: row.toAgency }, copy.details as Record<string, unknown>);
    const { person } = (await this.protection.open(row.id, { person: visible.person })) as { person?: { name?: string; idNumber?: string } };
    return { name: person?.name, idNumber: person?.idNumber };
  }

  private async withNote(row: HandoffRow['measures'][number]): Promise<LedgerMeasure> {
    const opened = (await this.protection.open(row.handoffId, row.details)) as { note?: string };
    return { ...measureOf(row), ...(opened.note ? { note: opened.note } : {}) };
  }
}

/**
 * The office's view of the ledger (第二十二条–第二十五条: the office sees every unit's part): a
 * person's handoffs and measures across all units, found from one handoff of theirs. The office
 * holds no data key, so it sees steps, dates, kinds, amounts and outcomes — never a citizen field.
 */
export class OfficeLedgerRepository {
  constructor(private readonly db: Db) {}

  async forHandoffPerson(handoffId: string): Promise<PersonLedger> {
    const anchor = await this.db.handoff.findUnique({ where: { id: handoffId }, select: { id: true, personIdHash: true } });
    if (!anchor) throw new HandoffNotFoundError(handoffId);
    const rows = await this.db.handoff.findMany({
      where: anchor.personIdHash ? { personIdHash: anchor.personIdHash } : { id: anchor.id },
      include: WITH_STEPS_AND_MEASURES,
      orderBy: [{ openedAt: 'asc' }, { id: 'asc' }],
    });
    return { person: null, own: rows.map((row) => ledgerHandoff(row, row.measures.map(measureOf))), shared: [] };
  }
}
