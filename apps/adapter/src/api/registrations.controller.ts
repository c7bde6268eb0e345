import { Body, Controller, Get, HttpCode, HttpStatus, Post, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiCreatedResponse, ApiHeader, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiKeyGuard, ApiProblems, HttpAnswer, IDEMPOTENCY_KEY_HEADER, IDEMPOTENT_REPLAYED_HEADER } from '#http';
import type { DutyRegistration } from '#persistence';
import { RegistrationService } from '../handoffs/registration.service.js';
import { Idempotent } from '../unit-of-work/idempotent.js';
import { UnitContext } from './unit.context.js';
import { RegisterInvestigationEndedRequest, RegisterLeadDiscoveredRequest, RegistrationView } from './registration.dto.js';

const REGISTERED = { type: RegistrationView, description: 'registered (or, for the same caseRef again, the first registration)', headers: IDEMPOTENT_REPLAYED_HEADER };

function present(registration: DutyRegistration) {
  return {
    id: registration.id,
    kind: registration.kind,
    caseRef: registration.caseRef,
    statedOn: registration.statedOn,
    registeredAt: registration.registeredAt.toISOString(),
    fulfilledAt: registration.fulfilledAt?.toISOString() ?? null,
  };
}

/** A new registration is 201 (the route's status); the same caseRef again answers the first one, 200. */
function answer({ registration, created }: { registration: DutyRegistration; created: boolean }) {
  return created ? present(registration) : new HttpAnswer(present(registration), { status: HttpStatus.OK });
}

/**
 * 第十九条 ¶1, 第二十条 ¶1: duties that start before anything is sent. The unit registers the day its
 * investigation ended (procuratorate) or it discovered a lead (a department); the scheduler reminds and
 * escalates the 5 working days until the referral or lead with the same caseRef is sent.
 */
@ApiTags('registrations')
@ApiBearerAuth()
@UseGuards(ApiKeyGuard)
@Controller('registrations')
export class RegistrationsController {
  constructor(
    private readonly registrations: RegistrationService,
    private readonly agency: UnitContext,
  ) {}

  @Post('investigations-ended')
  @Idempotent()
  @HttpCode(HttpStatus.CREATED)
  @ApiOperation({
    summary: 'Register that an investigation ended: the written referral is due within 5 working days (procuratorate only, 第十九条 ¶1)',
    description:
      '第十九条 ¶1 "在调查结束后五个工作日内以书面形式移送": registering the end of the investigation lets the scheduler remind and escalate ' +
      'the referral before its deadline passes. Sending `POST /handoffs/judicial-referrals` with the same `caseRef` fulfils it. ' +
      'The same caseRef again returns the first registration. A date in the future is 400; another unit is 403.',
  })
  @ApiBody({
    schema: { $ref: `#/components/schemas/${RegisterInvestigationEndedRequest.name}` },
    examples: { ended: { summary: '调查终结（第十九条第一款）', value: { caseRef: '晋检救〔2026〕1号', investigationEndedOn: '2026-11-20' } } },
  })
  @ApiHeader(IDEMPOTENCY_KEY_HEADER)
  @ApiCreatedResponse(REGISTERED)
  @ApiProblems(400, 401, 403, 413, 422)
  async investigationEnded(@Body() body: RegisterInvestigationEndedRequest) {
    return answer(await this.registrations.register('investigation-ended', body.caseRef, body.investigationEndedOn));
  }

  @Post('leads-discovered')
  @Idempotent()
  @HttpCode(HttpStatus.CREATED)
  @ApiOperation({
    summary: 'Register that a lead was discovered: it is due at the procuratorate within 5 working days (a social-assistance unit, 第二十条 ¶1)',
    description:
      '第二十条 ¶1 "在五个工作日内移送人民检察院": registering the discovery lets the scheduler remind and escalate the lead before its deadline ' +
      'passes. Sending `POST /handoffs/leads` with the same `caseRef` fulfils it. A date in the future is 400; the procuratorate is 403.',
  })
  @ApiBody({
    schema: { $ref: `#/components/schemas/${RegisterLeadDiscoveredRequest.name}` },
    examples: { discovered: { summary: '发现线索（第二十条第一款）', value: { caseRef: '民政线索-2026-7', discoveredOn: '2026-11-23' } } },
  })
  @ApiHeader(IDEMPOTENCY_KEY_HEADER)
  @ApiCreatedResponse(REGISTERED)
  @ApiProblems(400, 401, 403, 413, 422)
  async leadDiscovered(@Body() body: RegisterLeadDiscoveredRequest) {
    return answer(await this.registrations.register('lead-discovered', body.caseRef, body.discoveredOn));
  }

  @Get()
  @ApiOperation({ summary: 'The unit’s registered duties (第十九条 ¶1, 第二十条 ¶1), newest first' })
  @ApiOkResponse({ type: [RegistrationView] })
  @ApiProblems(401)
  async list() {
    return (await this.agency.store.registrations.list(200)).map(present);
  }
}
