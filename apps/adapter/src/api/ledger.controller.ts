import { Body, Controller, Get, HttpCode, HttpStatus, Inject, Param, ParseUUIDPipe, Post, Query, Req, StreamableFile, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiCreatedResponse, ApiHeader, ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import type { Request } from 'express';
import { CLOCK, type Clock } from '#config';
import { beijingDate, checkMeasure, MeasureRefusedError } from '#handoffs';
import { ApiKeyGuard, ApiProblems, IDEMPOTENCY_KEY_HEADER, IDEMPOTENT_REPLAYED_HEADER, MeasureView } from '#http';
import type { LedgerHandoff, LedgerMeasure, PersonLedger } from '#persistence';
import { ledgerCsv, ledgerXlsx } from '../ledger/ledger-export.js';
import { Idempotent } from '../unit-of-work/idempotent.js';
import { UnitOfWork } from '../unit-of-work/unit-of-work.js';
import { UnitContext } from './unit.context.js';
import { readerOf } from './evidence.js';
import { LedgerExportQuery, LedgerLookupRequest, PersonLedgerView, RecordMeasureRequest } from './ledger.dto.js';

const ID = { name: 'id', description: 'the handoff (移送) id', schema: { type: 'string', format: 'uuid' } } as const;
/** A unit's export is at most a year of a city's handoffs; more is refused rather than cut short. */
const EXPORT_MAX_ROWS = 20_000;

export const presentMeasure = (measure: LedgerMeasure) => ({ ...measure, recordedAt: measure.recordedAt.toISOString() });
export const presentLedgerHandoff = ({ requestId: _request, ...handoff }: LedgerHandoff) => ({
  ...handoff,
  openedAt: handoff.openedAt.toISOString(),
  steps: handoff.steps.map((step) => ({ ...step, at: step.at.toISOString() })),
  measures: handoff.measures.map(presentMeasure),
});
export const presentLedger = (ledger: PersonLedger) => ({ person: ledger.person, own: ledger.own.map(presentLedgerHandoff), shared: ledger.shared.map(presentLedgerHandoff) });

/**
 * 第二十五条 台账: the unit records the measures of help it takes, reads a person's ledger (its own
 * part in full; for a referral it shares, the other units' steps and dates — 第八条 — not their
 * details), and exports its ledger as CSV or XLSX. Every write is idempotent and in the evidence log,
 * every read of a person's data too.
 */
@ApiTags('ledger')
@ApiBearerAuth()
@UseGuards(ApiKeyGuard)
@Controller()
export class LedgerController {
  constructor(
    private readonly unitOfWork: UnitOfWork,
    private readonly agency: UnitContext,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  @Post('handoffs/:id/measures')
  @Idempotent()
  @HttpCode(HttpStatus.CREATED)
  @ApiOperation({
    summary: 'Record a measure of help taken on a handoff (第二十五条 台账): 低保 granted, legal aid assigned, judicial assistance paid…',
    description:
      'By either party, for its own duty only (第十条–第二十条: a kind the policy gives another unit is 400). Judicial assistance states its amount ' +
      '(`amountFen`) and may state `instalments`. `decidedOn` may not be in the future nor before the handoff was opened. The note is encrypted and ' +
      'read only by this unit. Repeat with the same Idempotency-Key: the first answer again.',
  })
  @ApiParam(ID)
  @ApiBody({
    schema: { $ref: `#/components/schemas/${RecordMeasureRequest.name}` },
    examples: {
      allowance: { summary: '纳入低保（第十一条）', value: { kind: 'living-allowance', status: 'granted', decidedOn: '2026-11-25', amountFen: 98_000, note: '按月发放' } },
      judicial: { summary: '国家司法救助金分期发放', value: { kind: 'judicial-assistance', status: 'granted', decidedOn: '2026-11-25', amountFen: 3_000_000, instalments: 3 } },
    },
  })
  @ApiHeader(IDEMPOTENCY_KEY_HEADER)
  @ApiCreatedResponse({ type: MeasureView, headers: IDEMPOTENT_REPLAYED_HEADER })
  @ApiProblems(400, 401, 403, 404, 413, 422)
  async record(@Param('id', ParseUUIDPipe) id: string, @Body() body: RecordMeasureRequest) {
    const store = this.unitOfWork.store;
    const handoff = await store.handoffs.findVisible(id);
    const now = this.clock.now();
    checkMeasure(store.agency, body, { today: beijingDate(now), openedOn: beijingDate(handoff.openedAt) });
    const measure = await store.ledger.record({
      id: crypto.randomUUID(),
      handoffId: id,
      kind: body.kind,
      status: body.status,
      decidedOn: body.decidedOn,
      amountFen: body.amountFen ?? null,
      instalments: body.instalments ?? null,
      note: body.note ?? null,
      recordedAt: now,
    });
    return presentMeasure(measure);
  }

  @Get('handoffs/:id/measures')
  @ApiOperation({ summary: 'The measures this unit recorded on a handoff it is party to (第二十五条)' })
  @ApiParam(ID)
  @ApiOkResponse({ type: [MeasureView] })
  @ApiProblems(401, 403, 404)
  async measures(@Param('id', ParseUUIDPipe) id: string) {
    return (await this.agency.store.ledger.forHandoff(id)).map(presentMeasure);
  }

  @Post('ledger/person')
  @HttpCode(200)
  @ApiOperation({
    summary: 'A person’s ledger (台账, 第二十五条) as this unit may see it, found by resident ID number',
    description:
      'The ID number travels in the body (never in a URL, so never in an access log); the bus compares its keyed hash. The answer: the handoffs of ' +
      'the person this unit is party to, with the measures it took; and for the referrals it shares, the other units’ handoffs with their steps ' +
      'and dates only (第八条). 404 when this unit is party to none of the person’s handoffs. The read is in the evidence log.',
  })
  @ApiBody({ schema: { $ref: `#/components/schemas/${LedgerLookupRequest.name}` } })
  @ApiOkResponse({ type: PersonLedgerView })
  @ApiProblems(400, 401, 404, 413)
  async person(@Body() body: LedgerLookupRequest) {
    return presentLedger(await this.agency.store.ledger.forPerson(body.idNumber));
  }

  @Get('ledger/export')
  @ApiOperation({
    summary: 'This unit’s ledger (台账) as CSV or XLSX, with Chinese headers: its handoffs opened in [from, to), each with the person and its measures',
    description: 'The ID number is shown with the birth date hidden. The export is in the evidence log. More than 20,000 handoffs: 400 (export a shorter period).',
  })
  @ApiOkResponse({
    description: 'the ledger',
    content: {
      'text/csv': { schema: { type: 'string' } },
      'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet': { schema: { type: 'string', format: 'binary' } },
    },
  })
  @ApiProblems(400, 401)
  async export(@Query() query: LedgerExportQuery, @Req() req: Request) {
    if (query.to <= query.from) throw new MeasureRefusedError('to', 'to must be after from');
    const from = new Date(`${query.from}T00:00:00+08:00`);
    const to = new Date(`${query.to}T00:00:00+08:00`);
    const store = this.agency.store;
    const rows = await store.transaction((tx) => tx.ledger.exportRows(from, to, EXPORT_MAX_ROWS + 1, readerOf(store.agency, req).actor));
    if (rows.length > EXPORT_MAX_ROWS) throw new MeasureRefusedError('from', `more than ${EXPORT_MAX_ROWS} handoffs in the period: export a shorter one`);
    const name = `台账-${store.agency}-${query.from}-${query.to}`;
    if ((query.format ?? 'csv') === 'xlsx') {
      return new StreamableFile(await ledgerXlsx(rows, name), {
        type: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
        disposition: `attachment; filename*=UTF-8''${encodeURIComponent(name)}.xlsx`,
      });
    }
    return new StreamableFile(Buffer.from(ledgerCsv(rows)), { type: 'text/csv; charset=utf-8', disposition: `attachment; filename*=UTF-8''${encodeURIComponent(name)}.csv` });
  }
}
