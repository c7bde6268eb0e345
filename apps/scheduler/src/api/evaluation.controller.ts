import { BadRequestException, Controller, Get, Inject, NotFoundException, Param, ParseUUIDPipe, Query, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiParam, ApiProperty, ApiTags } from '@nestjs/swagger';
import { IsIn, IsOptional, Matches } from 'class-validator';
import { JSONSchema } from 'class-validator-jsonschema';
import { UNIT_CODES, type UnitCode } from '#contracts';
import { CLOCK, type Clock } from '#config';
import { HandoffNotFoundError } from '#handoffs';
import { ApiKeyGuard, ApiProblems, LedgerHandoffView } from '#http';
import { evaluationPeriod, OfficeScope, type LedgerHandoff } from '#persistence';

export class EvaluationQuery {
  @JSONSchema({ description: 'a year (2026), a quarter (2026-Q4) or a month (2026-11), in Beijing dates' })
  @Matches(/^\d{4}(-Q[1-4]|-(0[1-9]|1[0-2]))?$/, { message: 'period must be a year (2026), a quarter (2026-Q4) or a month (2026-11)' })
  period!: string;

  @JSONSchema({ description: 'one unit only' })
  @IsOptional()
  @IsIn(UNIT_CODES)
  unit?: UnitCode;
}

export class TrendQuery {
  @Matches(/^\d{4}$/, { message: 'year must be a year, e.g. 2026' })
  year!: string;

  @IsOptional()
  @IsIn(UNIT_CODES)
  unit?: UnitCode;
}

class DutyTimelinessView {
  @ApiProperty({ description: 'the obligation rule, e.g. procedure-started-after-receipt' }) rule!: string;
  @ApiProperty() due!: number;
  @ApiProperty() onTime!: number;
  @ApiProperty() late!: number;
  @ApiProperty({ description: 'open past its deadline' }) overdue!: number;
  @ApiProperty({ description: 'open, deadline not passed' }) pending!: number;
  @ApiProperty({ type: Number, nullable: true, description: 'onTime ÷ (onTime + late + overdue)' }) onTimeShare!: number | null;
}

class StageDurationView {
  @ApiProperty({ enum: ['receipt', 'start', 'conclusion', 'feedback'] }) stage!: string;
  @ApiProperty() count!: number;
  @ApiProperty({ description: 'working days (statutory calendar)' }) medianWorkingDays!: number;
  @ApiProperty() p90WorkingDays!: number;
}

class FirstHelpView {
  @ApiProperty() helped!: number;
  @ApiProperty({ type: Number, nullable: true }) medianWorkingDays!: number | null;
}

class MeasureTotalsView {
  @ApiProperty({ type: 'object', additionalProperties: { type: 'number' } }) byStatus!: Record<string, number>;
  @ApiProperty({ description: 'money granted or paid, in fen' }) amountFen!: number;
}

export class UnitEvaluationView {
  @ApiProperty() unit!: string;
  @ApiProperty({ description: 'cases the unit sent: referrals and leads as sent, one per opening request whichever units it went to' }) sentCases!: number;
  @ApiProperty({ description: 'handoffs the unit sent: one per recipient unit (a case sent to three units is three)' }) sent!: number;
  @ApiProperty({ description: 'handoffs the unit received' }) received!: number;
  @ApiProperty({ type: [DutyTimelinessView] }) timeliness!: DutyTimelinessView[];
  @ApiProperty({ type: [StageDurationView] }) stages!: StageDurationView[];
  @ApiProperty({ type: 'object', additionalProperties: { type: 'number' }, description: '办结 outcomes' }) outcomes!: Record<string, number>;
  @ApiProperty({ type: FirstHelpView }) firstHelp!: FirstHelpView;
  @ApiProperty({ type: MeasureTotalsView }) measures!: MeasureTotalsView;
  @ApiProperty({ type: 'object', additionalProperties: { type: 'number' }, description: 'people the unit helped (each once), by 第五条 priority group; a person helped by several units is in each unit’s figure' }) priorityGroupsHelped!: Record<string, number>;
  @ApiProperty({ type: 'object', additionalProperties: { type: 'number' }, description: '第二十五条 follow-up visits made in the period, by the situation after the help (improved, unchanged, worse); visits due and done are the follow-up-visit rules of timeliness' }) situationAfterVisits!: Record<string, number>;
}

export class EvaluationView {
  @ApiProperty() period!: string;
  @ApiProperty({ format: 'date' }) from!: string;
  @ApiProperty({ format: 'date', description: 'the day after the last' }) to!: string;
  @ApiProperty({ type: [UnitEvaluationView] }) units!: UnitEvaluationView[];
}

export class TrendPointView {
  @ApiProperty() unit!: string;
  @ApiProperty({ description: 'YYYY-MM' }) month!: string;
  @ApiProperty() sent!: number;
  @ApiProperty() received!: number;
}

export class OfficeLedgerView {
  @ApiProperty({ type: [LedgerHandoffView], description: 'every handoff of the person, in every unit, with every unit’s measures' }) handoffs!: LedgerHandoffView[];
}

const present = ({ requestId: _request, ...handoff }: LedgerHandoff) => ({
  ...handoff,
  openedAt: handoff.openedAt.toISOString(),
  steps: handoff.steps.map((step) => ({ ...step, at: step.at.toISOString() })),
  measures: handoff.measures.map((measure) => ({ ...measure, recordedAt: measure.recordedAt.toISOString() })),
});

/**
 * The joint-meeting office's figures (第二十三条: the yearly meeting reviews the work; 第二十五条:
 * evaluate the effect of the help) and its view of a person's ledger across every unit (台账). The
 * office holds no data key: no citizen field is in any answer.
 */
@ApiTags('evaluation')
@ApiBearerAuth()
@UseGuards(ApiKeyGuard)
@Controller()
export class EvaluationController {
  constructor(
    private readonly office: OfficeScope,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  @Get('evaluation')
  @ApiOperation({
    summary: 'Per unit and period: cases and handoffs sent, handoffs received, each duty’s share on time (per handoff duty), working days per stage (median, p90), outcomes, time to first help, measures, priority groups helped (第二十三条, 第二十五条)',
  })
  @ApiOkResponse({ type: EvaluationView })
  @ApiProblems(400, 401)
  async evaluation(@Query() query: EvaluationQuery) {
    const period = evaluationPeriod(query.period);
    if (!period) throw new BadRequestException('period must be a year (2026), a quarter (2026-Q4) or a month (2026-11)');
    return { period: query.period, ...period, units: await this.office.evaluation.byUnit(period, this.clock.now(), query.unit) };
  }

  @Get('evaluation/trend')
  @ApiOperation({ summary: 'Handoffs sent and received per unit and month of a year: the trend (第二十三条)' })
  @ApiOkResponse({ type: [TrendPointView] })
  @ApiProblems(400, 401)
  trend(@Query() query: TrendQuery) {
    return this.office.evaluation.monthlyTrend(Number(query.year), query.unit);
  }

  @Get('ledger/handoffs/:id')
  @ApiOperation({
    summary: 'The ledger (台账, 第二十五条) of the person of a handoff, across every unit: handoffs, steps, dates and every unit’s measures — no citizen field',
  })
  @ApiParam({ name: 'id', description: 'any handoff of the person', schema: { type: 'string', format: 'uuid' } })
  @ApiOkResponse({ type: OfficeLedgerView })
  @ApiProblems(400, 401, 404)
  async ledger(@Param('id', ParseUUIDPipe) id: string) {
    try {
      const ledger = await this.office.ledger.forHandoffPerson(id);
      return { handoffs: ledger.own.map(present) };
    } catch (error) {
      if (error instanceof HandoffNotFoundError) throw new NotFoundException(`no handoff ${id}`);
      throw error;
    }
  }
}
