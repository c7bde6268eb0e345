import { Body, Controller, Get, Inject, Param, ParseEnumPipe, Put, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import { UNIT_CODES, type UnitCode, RosterRequest } from '#contracts';
import { CLOCK, type Clock } from '#config';
import { rosterChangedAlert } from '#deadlines';
import { ApiKeyGuard, ApiProblems, RosterEntry } from '#http';
import { OfficeScope } from '#persistence';
import { OutboxRelay } from '#bus';
import { ALERT_RELAY } from '../alerts/alert-relay.provider.js';

const AGENCY_ENUM = Object.fromEntries(UNIT_CODES.map((code) => [code, code]));

/** 第二十二条: each unit's leader and liaison, as the office keeps them. */
@ApiTags('roster')
@ApiBearerAuth()
@UseGuards(ApiKeyGuard)
@Controller('roster')
export class RosterController {
  constructor(
    private readonly office: OfficeScope,
    @Inject(ALERT_RELAY) private readonly relay: OutboxRelay,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  @Get()
  @ApiOperation({ summary: 'Every unit’s leader and liaison (第二十二条)' })
  @ApiOkResponse({ type: [RosterEntry] })
  @ApiProblems(401)
  list() {
    return this.office.roster.list();
  }

  @Put(':agency')
  @ApiOperation({ summary: 'Set a unit’s leader and liaison; the change is itself a message to the office' })
  @ApiParam({ name: 'agency', enum: UNIT_CODES })
  @ApiBody({ schema: { $ref: '#/components/schemas/RosterRequest' }, examples: { roster: { summary: '分管领导与联络人', value: { leaderName: '王某', leaderPhone: '13900000001', leaderEmail: 'leader@edu.example.cn', liaisonName: '陈某', liaisonPhone: '0595-85000000', liaisonEmail: 'liaison@edu.example.cn' } } } })
  @ApiOkResponse({ type: RosterEntry })
  @ApiProblems(400, 401, 413)
  async save(@Param('agency', new ParseEnumPipe(AGENCY_ENUM)) agency: UnitCode, @Body() body: RosterRequest) {
    // 第二十二条: the change and the office's notice are written together.
    const saved = await this.office.transaction(async (office) => {
      const entry = await office.roster.save(agency, { ...body });
      await office.alerts.create(rosterChangedAlert(agency, entry, this.clock.now()));
      return entry;
    });
    this.relay.kick();
    return saved;
  }
}
