import { Body, Controller, Get, Inject, NotFoundException, Put, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { RosterRequest } from '#contracts';
import { CLOCK, type Clock } from '#config';
import { rosterChangedAlert } from '#deadlines';
import { ApiKeyGuard, ApiProblems } from '#http';
import { RosterEntry } from './api.responses.js';
import { ROSTER_EXAMPLE } from './api.examples.js';
import { RosterRepository } from '#persistence';
import { AgencyContext } from './agency.context.js';

/** 第二十二条: a unit whose leader or liaison changes tells the office — through its own adapter. */
@ApiTags('roster')
@ApiBearerAuth()
@UseGuards(ApiKeyGuard)
@Controller('roster')
export class UnitRosterController {
  constructor(
    private readonly roster: RosterRepository,
    private readonly agency: AgencyContext,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  @Get()
  @ApiOperation({ summary: 'The unit’s leader and liaison as the office has them' })
  @ApiOkResponse({ type: RosterEntry })
  @ApiProblems(401, 404)
  async get() {
    const entry = await this.roster.find(this.agency.code);
    if (!entry) throw new NotFoundException(`the office has no leader and liaison for ${this.agency.code} yet`);
    return entry;
  }

  @Put()
  @ApiOperation({ summary: 'Report the unit’s leader and liaison; the office is told of the change' })
  @ApiBody({ schema: { $ref: '#/components/schemas/RosterRequest' }, examples: { roster: { summary: '分管领导与联络人', value: ROSTER_EXAMPLE } } })
  @ApiOkResponse({ type: RosterEntry })
  @ApiProblems(400, 401, 413)
  save(@Body() body: RosterRequest) {
    const agency = this.agency.code;
    return this.roster.saveAndNotify(agency, { ...body }, (entry) => rosterChangedAlert(agency, entry, this.clock.now()));
  }
}
