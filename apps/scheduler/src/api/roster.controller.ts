import { Body, Controller, Get, Inject, Param, ParseEnumPipe, Put, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { AGENCY_CODES, type AgencyCode } from '#contracts';
import { CLOCK, type Clock, schedulerConfig, type SchedulerSettings } from '#config';
import { rosterChangedAlert } from '#deadlines';
import { ApiKeyGuard } from '#http';
import { AlertRepository, PrismaService, RosterRepository } from '#persistence';
import { AlertRelay } from '../alerts/alert-relay.service.js';
import { RosterRequest } from './office.dto.js';

/** 第二十二条: each unit's leader and liaison; a change is itself a message to the office. */
@ApiTags('roster')
@ApiBearerAuth()
@UseGuards(ApiKeyGuard)
@Controller('roster')
export class RosterController {
  constructor(
    private readonly prisma: PrismaService,
    private readonly roster: RosterRepository,
    private readonly alerts: AlertRepository,
    private readonly relay: AlertRelay,
    @Inject(schedulerConfig.KEY) private readonly settings: SchedulerSettings,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  @Get()
  list() {
    return this.roster.list();
  }

  @Put(':agency')
  @ApiOperation({ summary: 'Set a unit’s leader and liaison; the office is told of the change' })
  async save(@Param('agency', new ParseEnumPipe(Object.fromEntries(AGENCY_CODES.map((c) => [c, c])))) agency: AgencyCode, @Body() body: RosterRequest) {
    const saved = await this.prisma.$transaction(async (tx) => {
      const entry = await this.roster.save(tx, agency, { ...body });
      await this.alerts.create(tx, rosterChangedAlert(agency, entry, this.clock.now(), this.settings.mail?.officeEmail ?? null));
      return entry;
    });
    this.relay.kick();
    return saved;
  }
}
