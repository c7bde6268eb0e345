import { Body, Controller, Get, HttpCode, Inject, NotFoundException, Param, ParseUUIDPipe, Post, Query, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CLOCK, type Clock } from '#config';
import { ApiKeyGuard } from '#http';
import { OfficeScope } from '#persistence';
import { AcknowledgeRequest, ListEscalationsQuery, NoteRequest } from './office.dto.js';

/** The joint-meeting office's escalation inbox (第二十二条). */
@ApiTags('escalations')
@ApiBearerAuth()
@UseGuards(ApiKeyGuard)
@Controller('escalations')
export class EscalationsController {
  constructor(
    private readonly office: OfficeScope,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  @Get()
  @ApiOperation({ summary: 'Escalations and notices, newest first; open (unacknowledged) by default' })
  list(@Query() query: ListEscalationsQuery) {
    return this.office.alerts.list({
      kinds: query.kind ? [query.kind] : ['escalation', 'calendar-missing', 'roster-changed'],
      level: query.level,
      open: query.open !== 'false',
      limit: 500,
    });
  }

  @Get(':id')
  async get(@Param('id', ParseUUIDPipe) id: string) {
    const alert = await this.office.alerts.find(id);
    if (!alert) throw new NotFoundException(`no escalation ${id}`);
    return alert;
  }

  @Post(':id/acknowledge')
  @HttpCode(200)
  @ApiOperation({ summary: 'Acknowledge: it leaves the open list; the first acknowledgement is kept' })
  async acknowledge(@Param('id', ParseUUIDPipe) id: string, @Body() body: AcknowledgeRequest) {
    await this.get(id);
    await this.office.alerts.acknowledge(id, body.by, this.clock.now());
    return this.office.alerts.find(id);
  }

  @Post(':id/notes')
  @ApiOperation({ summary: 'Add a note (what was done, whom the office called)' })
  async note(@Param('id', ParseUUIDPipe) id: string, @Body() body: NoteRequest) {
    await this.get(id);
    return this.office.alerts.addNote(id, body.author, body.text);
  }
}
