import { Body, Controller, Get, HttpCode, HttpStatus, Param, ParseUUIDPipe, Post, Query, Req, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiCreatedResponse, ApiHeader, ApiOkResponse, ApiOperation, ApiParam, ApiQuery, ApiTags } from '@nestjs/swagger';
import type { Request } from 'express';
import {
  AdvancePaymentDecisionPayloadV1,
  ConcludedPayloadV1,
  FeedbackPayloadV1,
  HANDOFF_KINDS,
  STEP_ORDER,
  ProcedureStartedPayloadV1,
} from '#contracts';
import { HandoffOpeningService } from '../handoffs/handoff-opening.service.js';
import { LifecycleService } from '../handoffs/lifecycle.service.js';
import { Idempotent } from '../unit-of-work/idempotent.js';
import { UnitContext } from './unit.context.js';
import { ApiKeyGuard, ApiProblems, IDEMPOTENCY_KEY_HEADER, IDEMPOTENT_REPLAYED_HEADER } from '#http';
import { CaseProgress, FollowUpVisitRecorded, HandoffPage, HandoffView, OpenedHandoffs, StepReported } from './api.responses.js';
import { LIFECYCLE_EXAMPLES, OPENING_EXAMPLES, OPENED_EXAMPLE, STEP_REPORTED_EXAMPLE } from './api.examples.js';
import { readerOf } from './evidence.js';
import { presentHandoff, presentHandoffSummary } from './handoff.presenter.js';
import { ListHandoffsQuery } from './list-handoffs.query.js';
import {
  OpenAdvanceReferralRequest,
  OpenJudicialReferralRequest,
  OpenSocialLeadRequest,
  OpenUrgentMedicalNoticeRequest,
  RecordFollowUpVisitRequest,
} from './open-handoff.dto.js';

const schemaRef = (name: string, examples: Record<string, { summary: string; value: unknown }>) => ({
  schema: { $ref: `#/components/schemas/${name}` },
  examples,
});
const IDEMPOTENCY_HEADER = IDEMPOTENCY_KEY_HEADER;
const HANDOFF_ID = { name: 'id', description: 'the handoff (移送) id', schema: { type: 'string', format: 'uuid' } } as const;
const OPENED = { type: OpenedHandoffs, description: 'one handoff per recipient, all written in one transaction', headers: IDEMPOTENT_REPLAYED_HEADER, example: OPENED_EXAMPLE };
const REPORTED = { type: StepReported, description: 'the step is recorded and on its way to the sender', headers: IDEMPOTENT_REPLAYED_HEADER, example: STEP_REPORTED_EXAMPLE };

@ApiTags('handoffs')
@ApiBearerAuth()
@UseGuards(ApiKeyGuard)
@Controller('handoffs')
export class HandoffsController {
  constructor(
    private readonly opening: HandoffOpeningService,
    private readonly lifecycle: LifecycleService,
    private readonly agency: UnitContext,
  ) {}

  @Post('judicial-referrals')
  @Idempotent()
  @HttpCode(HttpStatus.CREATED)
  @ApiOperation({ summary: 'Refer a case to one or more social-assistance units (procuratorate only, 第十九条 ¶1)' })
  @ApiBody(schemaRef(OpenJudicialReferralRequest.name, OPENING_EXAMPLES.judicialReferral))
  @ApiHeader(IDEMPOTENCY_HEADER)
  @ApiCreatedResponse(OPENED)
  @ApiProblems(400, 401, 403, 413, 422, 503)
  openJudicialReferral(@Body() body: OpenJudicialReferralRequest) {
    return this.opening.open('judicial-referral', body);
  }

  @Post('advance-referrals')
  @Idempotent()
  @HttpCode(HttpStatus.CREATED)
  @ApiOperation({ summary: 'Advance referral while the judicial case is open; reason required (第十九条 ¶2)' })
  @ApiBody(schemaRef(OpenAdvanceReferralRequest.name, OPENING_EXAMPLES.advanceReferral))
  @ApiHeader(IDEMPOTENCY_HEADER)
  @ApiCreatedResponse(OPENED)
  @ApiProblems(400, 401, 403, 413, 422, 503)
  openAdvanceReferral(@Body() body: OpenAdvanceReferralRequest) {
    return this.opening.open('advance-referral', body);
  }

  @Post('leads')
  @Idempotent()
  @HttpCode(HttpStatus.CREATED)
  @ApiOperation({ summary: 'Send a judicial-assistance lead to the procuratorate (第二十条 ¶1)' })
  @ApiBody(schemaRef(OpenSocialLeadRequest.name, OPENING_EXAMPLES.lead))
  @ApiHeader(IDEMPOTENCY_HEADER)
  @ApiCreatedResponse(OPENED)
  @ApiProblems(400, 401, 403, 413, 422, 503)
  openLead(@Body() body: OpenSocialLeadRequest) {
    return this.opening.open('social-lead', body);
  }

  @Post('urgent-medical-notices')
  @Idempotent()
  @HttpCode(HttpStatus.CREATED)
  @ApiOperation({ summary: 'Tell the procuratorate at once of a person who needs treatment and cannot pay (第二十条 ¶2)' })
  @ApiBody(schemaRef(OpenUrgentMedicalNoticeRequest.name, OPENING_EXAMPLES.urgentMedicalNotice))
  @ApiHeader(IDEMPOTENCY_HEADER)
  @ApiCreatedResponse(OPENED)
  @ApiProblems(400, 401, 403, 413, 422, 503)
  openUrgentMedicalNotice(@Body() body: OpenUrgentMedicalNoticeRequest) {
    return this.opening.open('urgent-medical-notice', body);
  }

  @Post(':id/procedure-started')
  @Idempotent()
  @HttpCode(HttpStatus.CREATED)
  @ApiOperation({
    summary: 'The receiving unit has started its procedure (第二十一条, within 5 working days of receipt)',
    description:
      '第二十一条: `startedOn` is the day the procedure started, as the unit states it: not in the future and not before the handoff was received (else 400). ' +
      'Reported after its 5 working days, the step is recorded late.',
  })
  @ApiParam(HANDOFF_ID)
  @ApiBody(schemaRef(ProcedureStartedPayloadV1.name, LIFECYCLE_EXAMPLES.procedureStarted))
  @ApiHeader(IDEMPOTENCY_HEADER)
  @ApiCreatedResponse(REPORTED)
  @ApiProblems(400, 401, 403, 404, 409, 413, 422)
  procedureStarted(@Param('id', ParseUUIDPipe) id: string, @Body() body: ProcedureStartedPayloadV1) {
    return this.lifecycle.report(id, 'procedure-started', body);
  }

  @Post(':id/concluded')
  @Idempotent()
  @HttpCode(HttpStatus.CREATED)
  @ApiOperation({
    summary: 'The receiving unit has closed the case (办结, 第二十一条)',
    description:
      '第二十一条: the 5 working days of feedback count from `concludedOn` (the day the case was concluded, as stated), not from when this is reported; ' +
      '`concludedOn` is not in the future, not before `startedOn` and not before receipt (else 400). ' +
      'A refusal by the procuratorate cites 第六条 (`refusalReasons`); a social-assistance department declines under its own rules ' +
      '(`declineReason` and `declineDetails`) and may not cite 第六条 (400).',
  })
  @ApiParam(HANDOFF_ID)
  @ApiBody(schemaRef(ConcludedPayloadV1.name, LIFECYCLE_EXAMPLES.concluded))
  @ApiHeader(IDEMPOTENCY_HEADER)
  @ApiCreatedResponse(REPORTED)
  @ApiProblems(400, 401, 403, 404, 409, 413, 422)
  concluded(@Param('id', ParseUUIDPipe) id: string, @Body() body: ConcludedPayloadV1) {
    return this.lifecycle.report(id, 'concluded', body);
  }

  @Post(':id/advance-payment-decision')
  @Idempotent()
  @HttpCode(HttpStatus.CREATED)
  @ApiOperation({
    summary: 'The procuratorate decides whether it paid first on an urgent medical notice (先行救助, 第二十条 ¶2)',
    description:
      '第二十条 ¶2 "人民检察院可以先行救助，救助后应当及时补办相关手续": paying first is the procuratorate’s choice, recorded as its own step ' +
      '(`advance-payment-decided`, beside the chain), once, after receipt and before the case is concluded. ' +
      'Only `paidFirst: true` (with `amountYuan`) starts the duty to complete the paperwork (补办手续) within the office’s allowance ' +
      '(PAPERWORK_WORKING_DAYS, counted from `decidedOn`; fulfilled by 办结), which the scheduler reminds and escalates. ' +
      'A notice is a lead (第二十一条): the procuratorate starts its procedure within 5 working days of receiving it, and `paidFirst: true` ' +
      'is that start (the duty `procedure-started-after-urgent-notice` is fulfilled when the decision is recorded); `paidFirst: false` is not, ' +
      'and the start is still due through `POST /handoffs/{id}/procedure-started`. ' +
      'Only the receiver of an urgent medical notice (the procuratorate) may call it; on other handoffs it is 409.',
  })
  @ApiParam(HANDOFF_ID)
  @ApiBody(schemaRef(AdvancePaymentDecisionPayloadV1.name, LIFECYCLE_EXAMPLES.advancePayment))
  @ApiHeader(IDEMPOTENCY_HEADER)
  @ApiCreatedResponse(REPORTED)
  @ApiProblems(400, 401, 403, 404, 409, 413, 422)
  advancePaymentDecision(
    @Param('id', ParseUUIDPipe) id: string,
    @Body() body: AdvancePaymentDecisionPayloadV1,
  ) {
    return this.lifecycle.decideAdvancePayment(id, body);
  }

  @Post(':id/follow-up-visits')
  @Idempotent()
  @HttpCode(HttpStatus.CREATED)
  @ApiOperation({
    summary: 'Record a follow-up visit (跟踪回访, 第二十五条) of a person the unit helped: when, by whom, how they are doing, what they still need',
    description:
      '第二十五条 "跟踪回访": when a handoff concludes with help given (`outcome: assisted`), the scheduler gives the receiver two visit duties — ' +
      '3 and 6 calendar months after `concludedOn` (1 and 3 on the green channel, 第五条) — and reminds and escalates them like any duty. ' +
      'Each call records the next visit (`follow-up-visit-1`, then `-2`; a third is 409), fulfilling its duty. `furtherNeeds` (第十条–第十八条) come back ' +
      'as `proposedRecipients`, each with its article. With `followOn` (its case number; for the procuratorate also what a referral states, 第九条/第十九条) ' +
      'the same call opens the next handoff for those needs — a department’s lead to the procuratorate (第二十条 ¶1), or the procuratorate’s judicial ' +
      'referral to the proposed units (第十九条) — with the person, situation and priority groups of the visited handoff; the visit and the new handoff commit together, ' +
      'and the answer carries it as `followOn`. Proposals count the visited person’s groups: 第十七条’s needs point to the people’s organisations for minors, women and elders. ' +
      'No free text of the visit travels by itself: its `note` stays in the unit’s record. A lead carries `followOn.noteForRecipient` (appended to its summary after what ' +
      'the visit found), a referral its `findings`, `suggestion` and `applicantStatement`; a text the new handoff would not carry is refused (400), and ' +
      '`followOn.forwarded` in the answer shows the texts exactly as the recipient reads them. Only the receiver, once the case is concluded.',
  })
  @ApiParam(HANDOFF_ID)
  @ApiBody(schemaRef(RecordFollowUpVisitRequest.name, LIFECYCLE_EXAMPLES.followUpVisit))
  @ApiHeader(IDEMPOTENCY_HEADER)
  @ApiCreatedResponse({ ...REPORTED, type: FollowUpVisitRecorded, example: undefined })
  @ApiProblems(400, 401, 403, 404, 409, 413, 422)
  followUpVisit(@Param('id', ParseUUIDPipe) id: string, @Body() body: RecordFollowUpVisitRequest) {
    return this.lifecycle.recordFollowUpVisit(id, body);
  }

  @Post(':id/feedback')
  @Idempotent()
  @HttpCode(HttpStatus.CREATED)
  @ApiOperation({ summary: 'Feedback to the sender on the outcome (第二十一条, within 5 working days of closing)' })
  @ApiParam(HANDOFF_ID)
  @ApiBody(schemaRef(FeedbackPayloadV1.name, LIFECYCLE_EXAMPLES.feedback))
  @ApiHeader(IDEMPOTENCY_HEADER)
  @ApiCreatedResponse(REPORTED)
  @ApiProblems(400, 401, 403, 404, 409, 413, 422)
  feedback(@Param('id', ParseUUIDPipe) id: string, @Body() body: FeedbackPayloadV1) {
    return this.lifecycle.report(id, 'feedback-given', body);
  }

  @Get()
  @ApiOperation({ summary: 'Handoffs the unit sent or received, newest first' })
  @ApiQuery({ name: 'role', required: false, enum: ['sent', 'received'], description: 'sent: opened by the unit; received: addressed to it; default both' })
  @ApiQuery({ name: 'step', required: false, enum: STEP_ORDER, description: 'the latest step reached' })
  @ApiQuery({ name: 'kind', required: false, enum: HANDOFF_KINDS })
  @ApiQuery({ name: 'limit', required: false, schema: { type: 'integer', minimum: 1, maximum: 200, default: 50 } })
  @ApiQuery({ name: 'after', required: false, schema: { type: 'string', format: 'uuid' }, description: 'the last id of the previous page' })
  @ApiQuery({
    name: 'archived',
    required: false,
    schema: { type: 'boolean', default: false },
    description: '第二十四条 归档: closed handoffs (feedback received) are archived after the office’s period and leave the working list; true lists them instead',
  })
  @ApiOkResponse({ type: HandoffPage })
  @ApiProblems(400, 401)
  async list(@Query() query: ListHandoffsQuery) {
    const limit = query.limit ?? 50;
    const items = await this.agency.store.handoffs.list({ ...query, limit });
    return { items: items.map(presentHandoffSummary), next: items.length === limit ? items[items.length - 1].id : null };
  }

  @Get(':id/case')
  @ApiOperation({
    summary: 'The units working the same case and how far each has got (第八条)',
    description:
      '第八条 "信息共享、计划共商、措施共举": for a handoff the unit sent or received, every handoff of the same referral — the unit working it, ' +
      'its steps and their dates (stated dates too) — so the units can plan together. Never another unit’s details (outcome, measures, reasons, notes). ' +
      '404 unless the unit is party to this handoff (第二十四条: another unit’s handoff does not exist for it).',
  })
  @ApiParam(HANDOFF_ID)
  @ApiOkResponse({ type: CaseProgress })
  @ApiProblems(401, 403, 404)
  async caseProgress(@Param('id', ParseUUIDPipe) id: string) {
    const store = this.agency.store;
    const own = await store.handoffs.findVisible(id);
    const participants = await store.handoffs.caseProgress(id);
    return {
      caseRef: own.caseRef,
      participants: participants.map((p) => ({ ...p, steps: p.steps.map((step) => ({ ...step, at: step.at.toISOString() })) })),
    };
  }

  @Get(':id')
  @ApiOperation({
    summary: 'One handoff with its timeline (404 unless the unit sent or received it)',
    description: 'The sender reads its full record; the recipient reads only the fields of its projection for the handoff’s kind (第二十四条: its duty’s fields, listed in the document’s x-projection).',
  })
  @ApiParam(HANDOFF_ID)
  @ApiOkResponse({ type: HandoffView })
  @ApiProblems(401, 403, 404)
  async get(@Param('id', ParseUUIDPipe) id: string, @Req() req: Request) {
    const handoff = await this.agency.store.handoffs.findVisible(id);
    // A read of a person's data goes in the evidence log.
    await this.agency.store.audit.append([{ ...readerOf(this.agency.code, req), agency: this.agency.code, handoffId: id, action: 'person-data.read' }]);
    return presentHandoff(handoff);
  }
}
