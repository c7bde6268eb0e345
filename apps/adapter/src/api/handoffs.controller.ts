import { Body, Controller, Get, Param, ParseUUIDPipe, Post, Query, Req, Res, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiHeader, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import {
  ConcludedPayloadV1,
  FeedbackPayloadV1,
  type HandoffKind,
  ProcedureStartedPayloadV1,
} from '#contracts';
import type { ReportedStep } from '#handoffs';
import type { UnitStore } from '#persistence';
import type { ApiResult } from '../handoffs/api-result.js';
import { HandoffOpeningService } from '../handoffs/handoff-opening.service.js';
import { IdempotentWriteService } from '../handoffs/idempotent-write.service.js';
import { LifecycleService } from '../handoffs/lifecycle.service.js';
import { AgencyContext } from './agency.context.js';
import { ApiKeyGuard } from '#http';
import { presentHandoff, presentHandoffSummary } from './handoff.presenter.js';
import { ListHandoffsQuery } from './list-handoffs.query.js';
import {
  OpenAdvanceReferralRequest,
  type OpenHandoffRequest,
  OpenJudicialReferralRequest,
  OpenSocialLeadRequest,
  OpenUrgentMedicalNoticeRequest,
} from './open-handoff.dto.js';

const schemaRef = (name: string) => ({ schema: { $ref: `#/components/schemas/${name}` } });
const IDEMPOTENCY_HEADER = { name: 'Idempotency-Key', required: false, description: 'a retried request with the same key returns the first response and writes nothing' };

@ApiTags('handoffs')
@ApiBearerAuth()
@UseGuards(ApiKeyGuard)
@Controller('handoffs')
export class HandoffsController {
  constructor(
    private readonly writes: IdempotentWriteService,
    private readonly opening: HandoffOpeningService,
    private readonly lifecycle: LifecycleService,
    private readonly agency: AgencyContext,
  ) {}

  @Post('judicial-referrals')
  @ApiOperation({ summary: 'Refer a case to one or more social-assistance units (procuratorate only, 第十九条 ¶1)' })
  @ApiBody(schemaRef(OpenJudicialReferralRequest.name))
  @ApiHeader(IDEMPOTENCY_HEADER)
  openJudicialReferral(@Body() body: OpenJudicialReferralRequest, @Req() req: Request, @Res({ passthrough: true }) res: Response) {
    return this.open('judicial-referral', body, req, res);
  }

  @Post('advance-referrals')
  @ApiOperation({ summary: 'Advance referral while the judicial case is open; reason required (第十九条 ¶2)' })
  @ApiBody(schemaRef(OpenAdvanceReferralRequest.name))
  @ApiHeader(IDEMPOTENCY_HEADER)
  openAdvanceReferral(@Body() body: OpenAdvanceReferralRequest, @Req() req: Request, @Res({ passthrough: true }) res: Response) {
    return this.open('advance-referral', body, req, res);
  }

  @Post('leads')
  @ApiOperation({ summary: 'Send a judicial-assistance lead to the procuratorate (第二十条 ¶1)' })
  @ApiBody(schemaRef(OpenSocialLeadRequest.name))
  @ApiHeader(IDEMPOTENCY_HEADER)
  openLead(@Body() body: OpenSocialLeadRequest, @Req() req: Request, @Res({ passthrough: true }) res: Response) {
    return this.open('social-lead', body, req, res);
  }

  @Post('urgent-medical-notices')
  @ApiOperation({ summary: 'Tell the procuratorate at once of a person who needs treatment and cannot pay (第二十条 ¶2)' })
  @ApiBody(schemaRef(OpenUrgentMedicalNoticeRequest.name))
  @ApiHeader(IDEMPOTENCY_HEADER)
  openUrgentMedicalNotice(@Body() body: OpenUrgentMedicalNoticeRequest, @Req() req: Request, @Res({ passthrough: true }) res: Response) {
    return this.open('urgent-medical-notice', body, req, res);
  }

  @Post(':id/procedure-started')
  @ApiOperation({ summary: 'The receiving unit has started its procedure (第二十一条, within 5 working days of receipt)' })
  @ApiBody(schemaRef(ProcedureStartedPayloadV1.name))
  @ApiHeader(IDEMPOTENCY_HEADER)
  procedureStarted(@Param('id', ParseUUIDPipe) id: string, @Body() body: ProcedureStartedPayloadV1, @Req() req: Request, @Res({ passthrough: true }) res: Response) {
    return this.report(id, 'procedure-started', body, req, res);
  }

  @Post(':id/concluded')
  @ApiOperation({ summary: 'The receiving unit has closed the case (办结); a refusal cites 第六条' })
  @ApiBody(schemaRef(ConcludedPayloadV1.name))
  @ApiHeader(IDEMPOTENCY_HEADER)
  concluded(@Param('id', ParseUUIDPipe) id: string, @Body() body: ConcludedPayloadV1, @Req() req: Request, @Res({ passthrough: true }) res: Response) {
    return this.report(id, 'concluded', body, req, res);
  }

  @Post(':id/feedback')
  @ApiOperation({ summary: 'Feedback to the sender on the outcome (第二十一条, within 5 working days of closing)' })
  @ApiBody(schemaRef(FeedbackPayloadV1.name))
  @ApiHeader(IDEMPOTENCY_HEADER)
  feedback(@Param('id', ParseUUIDPipe) id: string, @Body() body: FeedbackPayloadV1, @Req() req: Request, @Res({ passthrough: true }) res: Response) {
    return this.report(id, 'feedback-given', body, req, res);
  }

  @Get()
  @ApiOperation({ summary: 'Handoffs the unit sent or received, newest first' })
  async list(@Query() query: ListHandoffsQuery) {
    const limit = query.limit ?? 50;
    const items = await this.agency.store.handoffs.list({ ...query, limit });
    return { items: items.map(presentHandoffSummary), next: items.length === limit ? items[items.length - 1].id : null };
  }

  @Get(':id')
  @ApiOperation({ summary: 'One handoff with its timeline (403 unless the unit sent or received it)' })
  async get(@Param('id', ParseUUIDPipe) id: string) {
    return presentHandoff(await this.agency.store.handoffs.findVisible(id));
  }

  private open(kind: HandoffKind, body: OpenHandoffRequest, req: Request, res: Response) {
    return this.write(req, res, body, (store) => this.opening.open(store, kind, body));
  }

  private report(id: string, step: ReportedStep, body: object, req: Request, res: Response) {
    return this.write(req, res, body, (store) => this.lifecycle.report(store, id, step, body));
  }

  private async write(req: Request, res: Response, body: unknown, work: (store: UnitStore) => Promise<ApiResult>) {
    const result = await this.writes.run(
      { idempotencyKey: req.header('idempotency-key'), method: req.method, path: req.path, body },
      work,
    );
    res.status(result.status);
    if (result.replayed) res.setHeader('Idempotent-Replayed', 'true');
    return result.body;
  }
}
