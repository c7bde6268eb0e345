import { Body, Controller, Get, Inject, Param, ParseEnumPipe, Put, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { AGENCY_CODES, type AgencyCode, RosterRequest } from '#contracts';
import { CLOCK, type Clock } from '#config';
import { rosterChangedAlert } from '#deadlines';
import { ApiKeyGuard } from '#http';
import { RosterRepository } from '#persistence';
import { AlertRelay } from '../alerts/alert-relay.service.js';

const AGENCY_ENUM = Object.fromEntries(AGENCY_CODES.map((code) => [code, code]));

/** 第二十二条: each unit's leader and liaison, as the office keeps them. */
@ApiTags('roster')
@ApiBearerAuth()
@UseGuards(ApiKeyGuard)
@Controller('roster')
export class RosterController {
  constructor(
    private readonly roster: RosterRepository,
    private readonly relay: AlertRelay,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  @Get()
  list() {
    return this.roster.list();
  }

  @Put(':agency')
  @ApiOperation({ summary: 'Set a unit’s leader and liaison; the change is itself a message to the office' })
  async save(@Param('agency', new ParseEnumPipe(AGENCY_ENUM)) agency: AgencyCode, @Body() body: RosterRequest) {
    const saved = await this.roster.saveAndNotify(agency, { ...body }, (entry) => rosterChangedAlert(agency, entry, this.clock.now()));
    this.relay.kick();
    return saved;
  }
}
