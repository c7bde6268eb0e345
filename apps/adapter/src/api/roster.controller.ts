import { Body, Controller, Get, Inject, NotFoundException, Put, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { RosterRequest } from '#contracts';
import { CLOCK, type Clock } from '#config';
import { rosterChangedAlert } from '#deadlines';
import { ApiKeyGuard, ApiProblems } from '#http';
import { RosterEntry } from './api.responses.js';
import { ROSTER_EXAMPLE } from './api.examples.js';
import { UnitContext } from './unit.context.js';

/** 第二十二条: a unit whose leader or liaison changes tells the office — through its own adapter. */
@ApiTags('roster')
@ApiBearerAuth()
@UseGuards(ApiKeyGuard)
@Controller('roster')
export class UnitRosterController {
  constructor(
    private readonly agency: UnitContext,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  @Get()
  @ApiOperation({ summary: 'The unit’s leader and liaison as the office has them' })
  @ApiOkResponse({ type: RosterEntry })
  @ApiProblems(401, 404)
  async get() {
    const entry = await this.agency.store.roster.find();
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
    // 第二十二条: the change and the office's notice are written together.
    return this.agency.store.transaction(async (store) => {
      const entry = await store.roster.save({ ...body });
      await store.officeNotices.notify(rosterChangedAlert(agency, entry, this.clock.now()));
      return entry;
    });
  }
}
