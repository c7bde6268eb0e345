import {
  type UnitCode,
  type ChainStep,
  type HandoffKind,
  type Priority,
  isChainStep,
  type Step,
} from '#contracts';
import { detailsFor } from '#units';
import { type Decision, HandoffNotFoundError, type HandoffState, type OpenedHandoff } from '#handoffs';
import type { Db } from './db.js';
import { isUuid } from './db.js';
import { fromDb, type Handoff, handoffFromDb, type HandoffStep, stepFromDb, toDb } from './db-enums.js';
import type { Prisma } from './generated/prisma/client.js';
import { type FieldProtection, plainPart } from './field-protection.js';
import type { AuditRepository } from './audit.repository.js';

export interface HandoffFilter {
  role?: 'sent' | 'received';
  step?: Step;
  kind?: HandoffKind;
  limit: number;
  /** id of the last handoff of the previous page */
  after?: string;
  /** 第二十四条: archived handoffs are out of the working list unless asked for */
  archived?: boolean;
}

export type HandoffWithSteps = Handoff & { steps: HandoffStep[] };

/**
 * 第二十四条: a unit's login may not read "Handoff".details (the plain part of the sender's record):
 * every read of a handoff row omits it, and takes the details from the unit's own copy.
 */
const WITHOUT_DETAILS = { details: true } as const;

/** One unit's progress on a shared case (第八条): steps and dates only. */
export interface CaseProgressRow {
  handoffId: string;
  kind: HandoffKind;
  from: string;
  to: string;
  currentStep: Step;
  steps: { step: Step; at: Date; statedOn?: string }[];
}

/** A handoff of a shared referral as another party may see it (第八条): no details. */
export interface CaseHandoff extends CaseProgressRow {
  requestId: string;
  caseRef: string;
  openedAt: Date;
  archived: boolean;
}

interface CaseProgressDbRow {
  handoffId: string;
  requestId: string;
  kind: string;
  fromAgency: string;
  toAgency: string;
  caseRef: string;
  currentStep: string;
  openedAt: Date;
  archivedAt: Date | null;
  step: string | null;
  occurredAt: Date | null;
  recordedAt: Date | null;
  statedOn: string | null;
}

/** The handoff rows a unit is party to; bound to the unit by UnitScope. */
export class HandoffRepository {
  constructor(
    private readonly db: Db,
    private readonly agency: UnitCode,
    private readonly protection: FieldProtection,
    private readonly audit: AuditRepository,
  ) {}

  /** Locks the handoff row for the rest of the transaction, so two steps cannot race; one read of row and steps. */
  async lockForUpdate(handoffId: string): Promise<HandoffState> {
    if (!isUuid(handoffId)) throw new HandoffNotFoundError(handoffId);
    const rows = await this.db.$queryRaw<
      { id: string; kind: HandoffKind; fromAgency: string; toAgency: string; caseRef: string; currentStep: ChainStep; priority: Priority; requestId: string; steps: [Step, string, string, string | null][] | null }[]
    >`
      SELECT h.id, h.kind, h."fromAgency", h."toAgency", h."caseRef", h."currentStep", h.priority, h."requestId",
             (SELECT json_agg(json_build_array(s.step, s."messageId", s."occurredAt",
                     COALESCE(s.details->>'startedOn', s.details->>'concludedOn', s.details->>'decidedOn')))
              FROM "HandoffStep" s WHERE s."handoffId" = h.id) AS steps
      FROM "Handoff" h WHERE h.id = ${handoffId}::uuid FOR UPDATE`;
    const row = rows[0];
    if (!row) throw new HandoffNotFoundError(handoffId);
    this.assertParty(row);
    return {
      id: row.id,
      kind: row.kind,
      from: row.fromAgency as UnitCode,
      to: row.toAgency as UnitCode,
      caseRef: row.caseRef,
      currentStep: row.currentStep,
      priority: row.priority,
      requestId: row.requestId,
      stepMessages: Object.fromEntries((row.steps ?? []).map(([step, messageId]) => [step, messageId])),
      // 第二十一条: the stated dates of the steps so far, against which a new step's date is checked
      stepDates: Object.fromEntries(
        (row.steps ?? []).map(([step, , occurredAt, statedOn]) => [step, { occurredAt: new Date(occurredAt), ...(statedOn ? { statedOn } : {}) }]),
      ),
    };
  }

  /** New handoffs the unit sends. */
  async saveOpened(opened: readonly OpenedHandoff[]): Promise<void> {
    if (opened.some(({ state }) => state.from !== this.agency)) throw new Error(`${this.agency} can only open handoffs it sends`);
    // Citizen fields encrypted one by one, bound to the handoff; the ID number kept only as a keyed hash.
    const sealed = await Promise.all(opened.map(({ state, details }) => this.protection.seal(state.id, details)));
    await this.db.handoff.createMany({
      data: opened.map(({ state, details, openedAt }, index) => ({
        id: state.id,
        kind: toDb(state.kind),
        fromAgency: state.from,
        toAgency: state.to,
        caseRef: state.caseRef,
        currentStep: toDb(state.currentStep),
        priority: toDb(state.priority),
        requestId: state.requestId,
        details: plainPart(sealed[index].value) as Prisma.InputJsonValue,
        personIdHash: this.protection.personIdHash(details),
        openedAt,
      })),
    });
    // The sender's own copy: its full record, under its key.
    await this.db.handoffCopy.createMany({
      data: opened.map(({ state }, index) => ({ handoffId: state.id, agency: this.agency, details: sealed[index].value as Prisma.InputJsonValue, dataKeyId: sealed[index].dataKeyId })),
    });
    // The evidence log, in the same transaction.
    await this.audit.append(
      opened.map(({ state }) => ({ actor: `${this.agency} (its system, through the API)`, agency: this.agency, handoffId: state.id, action: 'handoff.opened', reason: `${state.kind} to ${state.to}` })),
    );
  }

  /**
   * The recipient's own copy of a handoff it received (第二十四条): the opening message's payload cut
   * to its projection, under its own key. Taken once: a copy already there is kept.
   */
  async keepReceivedCopy(handoff: { id: string; kind: HandoffKind; from: UnitCode; to: UnitCode }, payload: object): Promise<void> {
    if (handoff.to !== this.agency) throw new Error(`${this.agency} keeps copies only of handoffs it receives`);
    const projected = detailsFor(this.agency, { kind: handoff.kind, fromAgency: handoff.from, toAgency: handoff.to }, payload as Record<string, unknown>);
    const sealed = await this.protection.seal(handoff.id, projected);
    await this.db.handoffCopy.createMany({
      data: [{ handoffId: handoff.id, agency: this.agency, details: sealed.value as Prisma.InputJsonValue, dataKeyId: sealed.dataKeyId }],
      skipDuplicates: true,
    });
  }

  /** The steps a transition decided, and each handoff's latest step. */
  async recordSteps(decision: Decision): Promise<void> {
    if (decision.steps.length === 0) return;
    if (decision.steps.some((step) => step.actor !== this.agency)) throw new Error(`${this.agency} can only record its own steps`);
    // A step is read by both parties of its handoff: under a content key sealed to the two of them.
    const parties = await this.partiesOf(decision.steps.map((step) => step.handoffId));
    const sealed = await Promise.all(decision.steps.map((step) => this.protection.sealShared(step.handoffId, step.details, parties.get(step.handoffId) ?? [this.agency])));
    await this.db.handoffStep.createMany({
      data: decision.steps.map((step, index) => ({
        id: crypto.randomUUID(),
        handoffId: step.handoffId,
        step: toDb(step.step),
        actorAgency: step.actor,
        messageId: step.messageId,
        occurredAt: step.occurredAt,
        details: sealed[index].value as Prisma.InputJsonValue,
        dataKeyId: sealed[index].dataKeyId,
        keyWraps: sealed[index].keyWraps,
      })),
    });
    await this.audit.append(
      decision.steps.map((step) => ({ actor: this.agency, agency: this.agency, handoffId: step.handoffId, action: `step.${step.step}`, reason: `message ${step.messageId}` })),
    );
    // A handoff is created at `sent`; later steps of the chain move it on (a side step, such as paying first, does not).
    const latest = new Map(
      decision.steps.filter((step) => step.step !== 'sent' && isChainStep(step.step)).map((step) => [step.handoffId, step.step]),
    );
    for (const [id, step] of latest) {
      await this.db.handoff.updateMany({ where: { id, OR: [{ fromAgency: this.agency }, { toAgency: this.agency }] }, data: { currentStep: toDb(step) } });
    }
  }

  /** The two parties of each handoff named that the unit is party to. */
  private async partiesOf(handoffIds: readonly string[]): Promise<Map<string, [string, string]>> {
    const rows = await this.db.handoff.findMany({ where: { id: { in: [...new Set(handoffIds)] } }, select: { id: true, fromAgency: true, toAgency: true } });
    return new Map(rows.map((row) => [row.id, [row.fromAgency, row.toAgency]]));
  }

  /** Of the handoffs named, those the unit is party to (their sender or recipient), in one query; reads no details. */
  async partyTo(handoffIds: readonly string[]): Promise<Set<string>> {
    const ids = handoffIds.filter(isUuid);
    if (ids.length === 0) return new Set();
    const rows = await this.db.handoff.findMany({
      where: { id: { in: ids }, OR: [{ fromAgency: this.agency }, { toAgency: this.agency }] },
      select: { id: true },
    });
    return new Set(rows.map((row) => row.id));
  }

  /** Who sends and who receives the handoff, or null when it is not one of this unit's (or does not exist). */
  async parties(handoffId: string): Promise<{ id: string; from: UnitCode; to: UnitCode } | null> {
    if (!isUuid(handoffId)) return null;
    const row = await this.db.handoff.findFirst({
      where: { id: handoffId, OR: [{ fromAgency: this.agency }, { toAgency: this.agency }] },
      select: { id: true, fromAgency: true, toAgency: true },
    });
    return row ? { id: row.id, from: row.fromAgency as UnitCode, to: row.toAgency as UnitCode } : null;
  }

  async findVisible(handoffId: string): Promise<HandoffWithSteps> {
    if (!isUuid(handoffId)) throw new HandoffNotFoundError(handoffId);
    const handoff = await this.db.handoff.findUnique({
      where: { id: handoffId },
      omit: WITHOUT_DETAILS,
      include: { steps: { orderBy: [{ occurredAt: 'asc' }, { recordedAt: 'asc' }] }, copies: { where: { agency: this.agency } } },
    });
    if (!handoff) throw new HandoffNotFoundError(handoffId);
    this.assertParty(handoff);
    const { copies, ...row } = handoff;
    const details = await this.readDetails(row, copies);
    const steps = await Promise.all(handoff.steps.map(async (step) => ({ ...stepFromDb(step), details: await this.protection.open(handoff.id, step.details, step.keyWraps) })));
    return { ...handoffFromDb(row), details, steps };
  }

  /**
   * 第八条 (信息共享、计划共商): the units working one referral see each other's progress on it — who
   * received it, the steps reached and their dates (stated dates too) — never each other's details.
   * The unit must be party to `handoffId`; the case is the referral (request) it belongs to.
   */
  async caseProgress(handoffId: string): Promise<CaseProgressRow[]> {
    return (await this.caseHandoffs(handoffId)).map(({ handoffId: id, kind, from, to, currentStep, steps }) => ({ handoffId: id, kind, from, to, currentStep, steps }));
  }

  /**
   * The handoffs of the referral `handoffId` belongs to, with their steps and stated dates — no
   * details — through bus_case_progress(): row-level security hides the other units' rows from this
   * unit's login, and that function hands out this much only to a party of `handoffId`.
   */
  async caseHandoffs(handoffId: string): Promise<CaseHandoff[]> {
    await this.findVisible(handoffId); // 404 unless the unit is a party
    const rows = await this.db.$queryRaw<CaseProgressDbRow[]>`SELECT * FROM public.bus_case_progress(${handoffId}::uuid)`;
    const byHandoff = new Map<string, CaseHandoff>();
    for (const row of rows) {
      let handoff = byHandoff.get(row.handoffId);
      if (!handoff) {
        handoff = {
          handoffId: row.handoffId,
          requestId: row.requestId,
          kind: row.kind as HandoffKind,
          from: row.fromAgency,
          to: row.toAgency,
          caseRef: row.caseRef,
          currentStep: row.currentStep as Step,
          openedAt: row.openedAt,
          archived: row.archivedAt !== null,
          steps: [],
        };
        byHandoff.set(row.handoffId, handoff);
      }
      if (row.step && row.occurredAt) handoff.steps.push({ step: row.step as Step, at: row.occurredAt, ...(row.statedOn ? { statedOn: row.statedOn } : {}) });
    }
    return [...byHandoff.values()];
  }

  async list(filter: HandoffFilter): Promise<Handoff[]> {
    const agency = this.agency;
    const party: Prisma.HandoffWhereInput =
      filter.role === 'sent' ? { fromAgency: agency }
      : filter.role === 'received' ? { toAgency: agency }
      : { OR: [{ fromAgency: agency }, { toAgency: agency }] };
    const rows = await this.db.handoff.findMany({
      where: { ...party, currentStep: filter.step && toDb(filter.step), kind: filter.kind && toDb(filter.kind), archivedAt: filter.archived ? { not: null } : null },
      orderBy: [{ openedAt: 'desc' }, { id: 'desc' }],
      omit: WITHOUT_DETAILS,
      include: { copies: { where: { agency } } },
      take: filter.limit,
      ...(filter.after ? { cursor: { id: filter.after }, skip: 1 } : {}),
    });
    return Promise.all(rows.map(async ({ copies, ...row }) => ({ ...handoffFromDb(row), details: await this.readDetails(row, copies) })));
  }

  /**
   * The unit's handoffs of one person, found by the keyed hash of the resident ID number (never the
   * number itself), newest first — for de-duplication and lookup.
   */
  async listForPerson(idNumber: string, limit = 50): Promise<Handoff[]> {
    const rows = await this.db.handoff.findMany({
      where: { personIdHash: { in: this.protection.lookupHashes(idNumber) }, OR: [{ fromAgency: this.agency }, { toAgency: this.agency }] },
      orderBy: [{ openedAt: 'desc' }, { id: 'desc' }],
      omit: WITHOUT_DETAILS,
      include: { copies: { where: { agency: this.agency } } },
      take: limit,
    });
    return Promise.all(rows.map(async ({ copies, ...row }) => ({ ...handoffFromDb(row), details: await this.readDetails(row, copies) })));
  }

  /**
   * 第二十四条: the unit's own copy — the sender's full record, the recipient's projection (libs/units
   * recipient-projections.ts, what its opening message carried) — decrypted under the unit's key;
   * nothing before the recipient took its copy. Cut to the projection again after decryption (a list
   * encrypted whole, recipientReasons, is cut to its own item).
   */
  private async readDetails(row: { id: string; kind: string; fromAgency: string; toAgency: string }, copies: readonly { agency: string; details: unknown }[]): Promise<Prisma.JsonObject> {
    const copy = copies.find((candidate) => candidate.agency === this.agency);
    if (!copy) return {};
    const parties = { kind: fromDb(row.kind), fromAgency: row.fromAgency, toAgency: row.toAgency };
    return detailsFor(this.agency, parties, (await this.protection.open(row.id, copy.details)) as Record<string, unknown>) as Prisma.JsonObject;
  }

  /**
   * 第二十四条: to a unit that neither sent nor received it, a handoff does not exist — the answer
   * row-level security gives its login anyway (the row is invisible), so the API says 404 whether the
   * database or this check stops the read, and never confirms that another unit's handoff exists.
   */
  private assertParty(handoff: { id: string; fromAgency: string; toAgency: string }): void {
    if (handoff.fromAgency !== this.agency && handoff.toAgency !== this.agency) {
      throw new HandoffNotFoundError(handoff.id);
    }
  }
}
