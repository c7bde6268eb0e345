import type { Db } from './db.js';

/** A period of Beijing calendar dates, [from, to). */
export interface EvaluationPeriod {
  from: string;
  to: string;
}

/** How a unit kept one of its duties (an obligation rule) whose deadline fell in the period. */
export interface DutyTimeliness {
  rule: string;
  due: number;
  onTime: number;
  late: number;
  /** still open past its deadline */
  overdue: number;
  /** still open, deadline not passed */
  pending: number;
  /** onTime ÷ (onTime + late + overdue); null when none was decided */
  onTimeShare: number | null;
}

/** Working days a unit took for one stage of 第二十一条 (the stage's end in the period). */
export interface StageDuration {
  stage: 'receipt' | 'start' | 'conclusion' | 'feedback';
  count: number;
  medianWorkingDays: number;
  p90WorkingDays: number;
}

export interface UnitEvaluation {
  unit: string;
  /** 案件 the unit sent: referrals and leads as sent, one per opening request whichever units it went to */
  sentCases: number;
  /** 移送 the unit sent: one per recipient unit (a case sent to three units is three) */
  sent: number;
  /** 移送 the unit received (one per recipient, so also the cases it received) */
  received: number;
  timeliness: DutyTimeliness[];
  stages: StageDuration[];
  /** 办结 outcomes of the unit's concluded handoffs in the period, by outcome */
  outcomes: Record<string, number>;
  /** handoffs received in the period on which the unit took a measure of help, and the working days from sending to the first */
  firstHelp: { helped: number; medianWorkingDays: number | null };
  /** the measures the unit recorded in the period (decidedOn), by status, and the money granted or paid (fen) */
  measures: { byStatus: Record<string, number>; amountFen: number };
  /** people the unit helped in the period (distinct, by the keyed hash), by 第五条 priority group */
  priorityGroupsHelped: Record<string, number>;
  /** 第二十五条 回访: the unit's follow-up visits made in the period (visitedOn), by the situation after the help */
  situationAfterVisits: Record<string, number>;
}

/** The period's figures for all units together, each case and each person counted once. */
export interface PeriodTotals {
  /** 案件: referrals and leads opened in the period, one per opening request whichever units it went to */
  cases: number;
  /** 移送: the handoffs those cases made, one per recipient unit */
  handoffs: number;
  /** the cases, and the handoffs, opened in the period on which a recipient took a measure of help (not refused) */
  casesHelped: number;
  handoffsHelped: number;
  /**
   * The on-time share per case: of the cases with a duty decided in the period (done, or open past
   * its deadline, its deadline in the period), those with none done late or left overdue. The
   * per-unit shares count each duty of each handoff instead.
   */
  casesOnTime: { decided: number; onTime: number; share: number | null };
  /** people helped in the period by any unit (distinct by the keyed hash across units), by 第五条 priority group */
  priorityGroupsHelped: Record<string, number>;
}

/** The Beijing calendar day of a timestamptz expression: the office's periods are Beijing days. */
const beijingDay = (instant: string): string => `(${instant} AT TIME ZONE 'Asia/Shanghai')::date`;

/** A deadline's own day: a due time of 24:00 (the next day's 00:00) closes the day before. */
const dueDay = (dueAt: string): string => beijingDay(`(${dueAt} - interval '1 millisecond')`);

/** The day a step's details state (第二十一条 counts from the units' stated dates), else the Beijing day it was recorded. */
const statedDay = (field: string): string => `coalesce(details->>'${field}', to_char(("occurredAt" AT TIME ZONE 'Asia/Shanghai'), 'YYYY-MM-DD'))::date`;

/** The day lies in the period, its first day $1 included and $2 not. */
const inPeriod = (day: string): string => `${day} >= $1::date AND ${day} < $2::date`;

/** The stages of 第二十一条, each from one step to the next, measured on the stated dates where the text counts from them. */
const STAGES = `(VALUES ('receipt', 'sent', 'received'), ('start', 'received', 'procedure-started'), ('conclusion', 'procedure-started', 'concluded'), ('feedback', 'concluded', 'feedback-given')) AS st(stage, from_step, to_step)`;

/**
 * The handoffs opened where `where` holds, once on the sender's side (sent) and once on the
 * recipient's (received), with the Beijing month each was opened in: the counts and the trend.
 */
function openedSides(where: string): string {
  return `opened AS (
         SELECT "fromAgency", "toAgency", "requestId", to_char(("openedAt" AT TIME ZONE 'Asia/Shanghai'), 'YYYY-MM') AS month FROM "Handoff" WHERE ${where}
       ), sides AS (
         SELECT "fromAgency" AS unit, month, "requestId", 1 AS sent, 0 AS received FROM opened
         UNION ALL SELECT "toAgency", month, NULL, 0, 1 FROM opened
       )`;
}

/**
 * 第二十三条 (the joint meeting reviews the work), 第二十五条 (evaluate the effect of the help): the
 * figures per unit and period, in SQL over the handoffs, their steps, the obligations and the
 * measures. Working days follow the statutory calendar loaded in "CalendarYear" (weekends, holidays
 * and make-up working days); the days of a stage are the working days after its first day up to
 * and including its last, as the deadlines count them (libs/calendar workingDaysBetween).
 */
export class EvaluationQueries {
  constructor(private readonly db: Db) {}

  async byUnit(period: EvaluationPeriod, now: Date, unit?: string): Promise<UnitEvaluation[]> {
    const [counts, timeliness, stages, outcomes, firstHelp, measures, groups, visits] = await Promise.all([
      this.counts(period, unit),
      this.timeliness(period, now, unit),
      this.stages(period, unit),
      this.outcomes(period, unit),
      this.firstHelp(period, unit),
      this.measures(period, unit),
      this.priorityGroups(period, unit),
      this.visitSituations(period, unit),
    ]);
    const units = [...new Set([...counts.keys(), ...timeliness.keys(), ...stages.keys(), ...outcomes.keys(), ...firstHelp.keys(), ...measures.keys(), ...groups.keys(), ...visits.keys()])].sort();
    return units.map((code) => ({
      unit: code,
      sentCases: counts.get(code)?.sentCases ?? 0,
      sent: counts.get(code)?.sent ?? 0,
      received: counts.get(code)?.received ?? 0,
      timeliness: timeliness.get(code) ?? [],
      stages: stages.get(code) ?? [],
      outcomes: outcomes.get(code) ?? {},
      firstHelp: firstHelp.get(code) ?? { helped: 0, medianWorkingDays: null },
      measures: measures.get(code) ?? { byStatus: {}, amountFen: 0 },
      priorityGroupsHelped: groups.get(code) ?? {},
      situationAfterVisits: visits.get(code) ?? {},
    }));
  }

  /**
   * 第二十三条: the escalations of the period by unit and cause (the duty whose deadline passed), with
   * how many the office acknowledged.
   */
  async escalationsByCause(period: EvaluationPeriod): Promise<{ unit: string; rule: string; level: string; count: number; acknowledged: number }[]> {
    const rows = await this.db.$queryRawUnsafe<{ unit: string; rule: string; level: string; count: bigint; acknowledged: bigint }[]>(
      `SELECT a.agency AS unit, o.rule, a.level, count(*) AS count, count(*) FILTER (WHERE a."acknowledgedAt" IS NOT NULL) AS acknowledged
       FROM "Alert" a JOIN "Obligation" o ON o.id = a."obligationId"
       WHERE a.kind = 'escalation'
         AND ${inPeriod(beijingDay('a."createdAt"'))}
       GROUP BY a.agency, o.rule, a.level ORDER BY count(*) DESC, a.agency, o.rule`,
      period.from,
      period.to,
    );
    return rows.map((row) => ({ unit: row.unit, rule: row.rule, level: row.level, count: Number(row.count), acknowledged: Number(row.acknowledged) }));
  }

  /**
   * 第二十三条: the period's figures for all units together, each counted once — a case sent to four
   * units is one case and four handoffs; a person helped by four units is one person.
   */
  async totals(period: EvaluationPeriod, now: Date): Promise<PeriodTotals> {
    const [row] = await this.db.$queryRawUnsafe<
      { cases: bigint; handoffs: bigint; cases_helped: bigint; handoffs_helped: bigint; cases_decided: bigint; cases_on_time: bigint; groups: Record<string, number> | null }[]
    >(
      `WITH opened AS (
         SELECT id, "requestId" FROM "Handoff"
         WHERE ${inPeriod(beijingDay('"openedAt"'))}
       ),
       helped AS (
         SELECT DISTINCT o.id, o."requestId" FROM opened o
         JOIN "Handoff" h ON h.id = o.id
         JOIN "AssistanceMeasure" m ON m."handoffId" = h.id AND m.agency = h."toAgency" AND m.status <> 'refused'
       ),
       duties AS (
         SELECT coalesce(h."requestId", ob."handoffId") AS "case",
                bool_or((ob.status = 'fulfilled' AND ob.late IS TRUE) OR (ob.status = 'open' AND ob."dueAt" <= $3)) AS missed,
                bool_or(ob.status = 'fulfilled' OR ob."dueAt" <= $3) AS decided
         FROM "Obligation" ob LEFT JOIN "Handoff" h ON h.id = ob."handoffId"
         WHERE ${inPeriod(dueDay('ob."dueAt"'))}
         GROUP BY 1
       ),
       people AS (
         SELECT g.grp, count(DISTINCT coalesce(h."personIdHash", h.id::text)) AS n
         FROM "AssistanceMeasure" m
         JOIN "Handoff" h ON h.id = m."handoffId"
         CROSS JOIN LATERAL jsonb_array_elements_text(coalesce(h.details->'priorityGroups', '[]'::jsonb)) AS g(grp)
         WHERE m.status <> 'refused' AND m."decidedOn"::date >= $1::date AND m."decidedOn"::date < $2::date
         GROUP BY g.grp
       )
       SELECT (SELECT count(DISTINCT "requestId") FROM opened) AS cases,
              (SELECT count(*) FROM opened) AS handoffs,
              (SELECT count(DISTINCT "requestId") FROM helped) AS cases_helped,
              (SELECT count(*) FROM helped) AS handoffs_helped,
              (SELECT count(*) FROM duties WHERE decided) AS cases_decided,
              (SELECT count(*) FROM duties WHERE decided AND NOT missed) AS cases_on_time,
              (SELECT jsonb_object_agg(grp, n ORDER BY grp) FROM people) AS groups`,
      period.from,
      period.to,
      now,
    );
    const decided = Number(row.cases_decided);
    const onTime = Number(row.cases_on_time);
    return {
      cases: Number(row.cases),
      handoffs: Number(row.handoffs),
      casesHelped: Number(row.cases_helped),
      handoffsHelped: Number(row.handoffs_helped),
      casesOnTime: { decided, onTime, share: decided === 0 ? null : onTime / decided },
      priorityGroupsHelped: row.groups ?? {},
    };
  }

  /** 第二十三条 cases for the meeting to discuss: duties still open past their deadline at `now`, the longest overdue first. */
  async openPastDue(now: Date, limit: number): Promise<{ handoffId: string; caseRef: string; unit: string; rule: string; dueAt: Date }[]> {
    return this.db.$queryRawUnsafe(
      `SELECT o."handoffId", coalesce(h."caseRef", r."caseRef", '') AS "caseRef", o."responsibleAgency" AS unit, o.rule, o."dueAt"
       FROM "Obligation" o LEFT JOIN "Handoff" h ON h.id = o."handoffId" LEFT JOIN "DutyRegistration" r ON r.id = o."handoffId"
       WHERE o.status = 'open' AND o."dueAt" <= $1
       ORDER BY o."dueAt", o.id LIMIT $2`,
      now,
      limit,
    );
  }

  /** Handoffs sent and received per month of `year` (Beijing), per unit: the trend over months. */
  async monthlyTrend(year: number, unit?: string): Promise<{ unit: string; month: string; sent: number; received: number }[]> {
    const rows = await this.db.$queryRawUnsafe<{ unit: string; month: string; sent: bigint; received: bigint }[]>(
      `WITH ${openedSides(`extract(year FROM ("openedAt" AT TIME ZONE 'Asia/Shanghai')) = $1`)}
       SELECT unit, month, sum(sent) AS sent, sum(received) AS received FROM sides
       WHERE $2::text IS NULL OR unit = $2 GROUP BY unit, month ORDER BY unit, month`,
      year,
      unit ?? null,
    );
    return rows.map((row) => ({ unit: row.unit, month: row.month, sent: Number(row.sent), received: Number(row.received) }));
  }

  private async counts(period: EvaluationPeriod, unit?: string) {
    const rows = await this.db.$queryRawUnsafe<{ unit: string; sent_cases: bigint; sent: bigint; received: bigint }[]>(
      `WITH ${openedSides(`${inPeriod(beijingDay('"openedAt"'))}`)}
       SELECT unit, count(DISTINCT "requestId") AS sent_cases, sum(sent) AS sent, sum(received) AS received FROM sides WHERE $3::text IS NULL OR unit = $3 GROUP BY unit`,
      period.from,
      period.to,
      unit ?? null,
    );
    return new Map(rows.map((row) => [row.unit, { sentCases: Number(row.sent_cases), sent: Number(row.sent), received: Number(row.received) }]));
  }

  private async timeliness(period: EvaluationPeriod, now: Date, unit?: string) {
    const rows = await this.db.$queryRawUnsafe<{ unit: string; rule: string; due: bigint; on_time: bigint; late: bigint; overdue: bigint; pending: bigint }[]>(
      `SELECT "responsibleAgency" AS unit, rule, count(*) AS due,
              count(*) FILTER (WHERE status = 'fulfilled' AND "late" IS NOT TRUE) AS on_time,
              count(*) FILTER (WHERE status = 'fulfilled' AND "late" IS TRUE) AS late,
              count(*) FILTER (WHERE status = 'open' AND "dueAt" <= $3) AS overdue,
              count(*) FILTER (WHERE status = 'open' AND "dueAt" > $3) AS pending
       FROM "Obligation"
       WHERE ${inPeriod(dueDay('"dueAt"'))}
         AND ($4::text IS NULL OR "responsibleAgency" = $4)
       GROUP BY "responsibleAgency", rule ORDER BY "responsibleAgency", rule`,
      period.from,
      period.to,
      now,
      unit ?? null,
    );
    const byUnit = new Map<string, DutyTimeliness[]>();
    for (const row of rows) {
      const [onTime, late, overdue] = [Number(row.on_time), Number(row.late), Number(row.overdue)];
      const decided = onTime + late + overdue;
      const entry: DutyTimeliness = { rule: row.rule, due: Number(row.due), onTime, late, overdue, pending: Number(row.pending), onTimeShare: decided === 0 ? null : onTime / decided };
      byUnit.set(row.unit, [...(byUnit.get(row.unit) ?? []), entry]);
    }
    return byUnit;
  }

  /**
   * The working-day index of each Beijing date: the count of working days up to and including it.
   * A stage's working days are index(last day) − index(first day).
   */
  private calendarCte(): string {
    return `hol AS (SELECT unnest(holidays)::date AS day FROM "CalendarYear"),
      mak AS (SELECT unnest("makeupWorkdays")::date AS day FROM "CalendarYear"),
      cal AS (
        SELECT d::date AS day,
               sum(CASE WHEN d::date IN (SELECT day FROM mak) THEN 1
                        WHEN extract(isodow FROM d) >= 6 OR d::date IN (SELECT day FROM hol) THEN 0 ELSE 1 END) OVER (ORDER BY d) AS idx
        FROM generate_series($1::date - 730, $2::date + 366, interval '1 day') AS d
      )`;
  }

  private async stages(period: EvaluationPeriod, unit?: string) {
    const rows = await this.db.$queryRawUnsafe<{ unit: string; stage: StageDuration['stage']; count: bigint; median: number; p90: number }[]>(
      `WITH ${this.calendarCte()},
       step_day AS (
         SELECT "handoffId", step::text AS step, "actorAgency",
                coalesce(details->>'startedOn', details->>'concludedOn', to_char(("occurredAt" AT TIME ZONE 'Asia/Shanghai'), 'YYYY-MM-DD'))::date AS day
         FROM "HandoffStep"
       ),
       durations AS (
         SELECT b."actorAgency" AS unit, st.stage, cb.idx - ca.idx AS days
         FROM ${STAGES}
         JOIN step_day a ON a.step = st.from_step
         JOIN step_day b ON b.step = st.to_step AND b."handoffId" = a."handoffId"
         JOIN cal ca ON ca.day = a.day
         JOIN cal cb ON cb.day = b.day
         WHERE b.day >= $1::date AND b.day < $2::date AND ($3::text IS NULL OR b."actorAgency" = $3)
       )
       SELECT unit, stage, count(*) AS count,
              percentile_cont(0.5) WITHIN GROUP (ORDER BY days) AS median,
              percentile_cont(0.9) WITHIN GROUP (ORDER BY days) AS p90
       FROM durations GROUP BY unit, stage`,
      period.from,
      period.to,
      unit ?? null,
    );
    const order: StageDuration['stage'][] = ['receipt', 'start', 'conclusion', 'feedback'];
    const byUnit = new Map<string, StageDuration[]>();
    for (const row of rows.sort((a, b) => order.indexOf(a.stage) - order.indexOf(b.stage))) {
      byUnit.set(row.unit, [...(byUnit.get(row.unit) ?? []), { stage: row.stage, count: Number(row.count), medianWorkingDays: Number(row.median), p90WorkingDays: Number(row.p90) }]);
    }
    return byUnit;
  }

  private async outcomes(period: EvaluationPeriod, unit?: string) {
    const rows = await this.db.$queryRawUnsafe<{ unit: string; outcome: string; n: bigint }[]>(
      `SELECT "actorAgency" AS unit, coalesce(details->>'outcome', 'unstated') AS outcome, count(*) AS n
       FROM "HandoffStep"
       WHERE step::text = 'concluded'
         AND ${inPeriod(statedDay('concludedOn'))}
         AND ($3::text IS NULL OR "actorAgency" = $3)
       GROUP BY 1, 2`,
      period.from,
      period.to,
      unit ?? null,
    );
    const byUnit = new Map<string, Record<string, number>>();
    for (const row of rows) byUnit.set(row.unit, { ...(byUnit.get(row.unit) ?? {}), [row.outcome]: Number(row.n) });
    return byUnit;
  }

  private async firstHelp(period: EvaluationPeriod, unit?: string) {
    const rows = await this.db.$queryRawUnsafe<{ unit: string; helped: bigint; median: number | null }[]>(
      `WITH ${this.calendarCte()},
       received AS (
         SELECT h.id, h."toAgency" AS unit, ${beijingDay('h."openedAt"')} AS sent_day
         FROM "Handoff" h
         WHERE ${inPeriod(beijingDay('h."openedAt"'))}
           AND ($3::text IS NULL OR h."toAgency" = $3)
       ),
       first_help AS (
         SELECT r.unit, r.sent_day, min(m."decidedOn")::date AS help_day
         FROM received r JOIN "AssistanceMeasure" m ON m."handoffId" = r.id AND m.agency = r.unit AND m.status <> 'refused'
         GROUP BY r.id, r.unit, r.sent_day
       )
       SELECT f.unit, count(*) AS helped, percentile_cont(0.5) WITHIN GROUP (ORDER BY cb.idx - ca.idx) AS median
       FROM first_help f JOIN cal ca ON ca.day = f.sent_day JOIN cal cb ON cb.day = f.help_day
       GROUP BY f.unit`,
      period.from,
      period.to,
      unit ?? null,
    );
    return new Map(rows.map((row) => [row.unit, { helped: Number(row.helped), medianWorkingDays: row.median === null ? null : Number(row.median) }]));
  }

  private async measures(period: EvaluationPeriod, unit?: string) {
    const rows = await this.db.$queryRawUnsafe<{ unit: string; status: string; n: bigint; amount: bigint | null }[]>(
      `SELECT agency AS unit, status, count(*) AS n, sum("amountFen") FILTER (WHERE status <> 'refused') AS amount
       FROM "AssistanceMeasure"
       WHERE "decidedOn"::date >= $1::date AND "decidedOn"::date < $2::date AND ($3::text IS NULL OR agency = $3)
       GROUP BY agency, status`,
      period.from,
      period.to,
      unit ?? null,
    );
    const byUnit = new Map<string, { byStatus: Record<string, number>; amountFen: number }>();
    for (const row of rows) {
      const entry = byUnit.get(row.unit) ?? { byStatus: {}, amountFen: 0 };
      entry.byStatus[row.status] = Number(row.n);
      entry.amountFen += Number(row.amount ?? 0);
      byUnit.set(row.unit, entry);
    }
    return byUnit;
  }

  private async visitSituations(period: EvaluationPeriod, unit?: string) {
    const rows = await this.db.$queryRawUnsafe<{ unit: string; situation: string; n: bigint }[]>(
      `SELECT "actorAgency" AS unit, coalesce(details->>'situationAfter', 'unstated') AS situation, count(*) AS n
       FROM "HandoffStep"
       WHERE step::text LIKE 'follow-up-visit-%'
         AND ${inPeriod(statedDay('visitedOn'))}
         AND ($3::text IS NULL OR "actorAgency" = $3)
       GROUP BY 1, 2`,
      period.from,
      period.to,
      unit ?? null,
    );
    const byUnit = new Map<string, Record<string, number>>();
    for (const row of rows) byUnit.set(row.unit, { ...(byUnit.get(row.unit) ?? {}), [row.situation]: Number(row.n) });
    return byUnit;
  }

  private async priorityGroups(period: EvaluationPeriod, unit?: string) {
    const rows = await this.db.$queryRawUnsafe<{ unit: string; grp: string; people: bigint }[]>(
      `SELECT m.agency AS unit, g.grp, count(DISTINCT coalesce(h."personIdHash", h.id::text)) AS people
       FROM "AssistanceMeasure" m
       JOIN "Handoff" h ON h.id = m."handoffId"
       CROSS JOIN LATERAL jsonb_array_elements_text(coalesce(h.details->'priorityGroups', '[]'::jsonb)) AS g(grp)
       WHERE m.status <> 'refused' AND m."decidedOn"::date >= $1::date AND m."decidedOn"::date < $2::date AND ($3::text IS NULL OR m.agency = $3)
       GROUP BY m.agency, g.grp`,
      period.from,
      period.to,
      unit ?? null,
    );
    const byUnit = new Map<string, Record<string, number>>();
    for (const row of rows) byUnit.set(row.unit, { ...(byUnit.get(row.unit) ?? {}), [row.grp]: Number(row.people) });
    return byUnit;
  }
}

/** The period a label names: 2026 (year), 2026-Q4 (quarter), 2026-11 (month). */
export function evaluationPeriod(label: string): EvaluationPeriod | null {
  const year = /^(\d{4})$/.exec(label);
  if (year) return { from: `${year[1]}-01-01`, to: `${Number(year[1]) + 1}-01-01` };
  const quarter = /^(\d{4})-Q([1-4])$/.exec(label);
  if (quarter) {
    const y = Number(quarter[1]);
    const q = Number(quarter[2]);
    return { from: `${y}-${String(q * 3 - 2).padStart(2, '0')}-01`, to: q === 4 ? `${y + 1}-01-01` : `${y}-${String(q * 3 + 1).padStart(2, '0')}-01` };
  }
  const month = /^(\d{4})-(0[1-9]|1[0-2])$/.exec(label);
  if (month) {
    const y = Number(month[1]);
    const m = Number(month[2]);
    return { from: `${y}-${month[2]}-01`, to: m === 12 ? `${y + 1}-01-01` : `${y}-${String(m + 1).padStart(2, '0')}-01` };
  }
  return null;
}
