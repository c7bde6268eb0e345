import { Body, Controller, Get, HttpCode, Inject, NotFoundException, Param, ParseUUIDPipe, Post, Query, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiParam, ApiQuery, ApiTags } from '@nestjs/swagger';
import { CLOCK, type Clock } from '#config';
import { ApiKeyGuard, ApiProblems } from '#http';
import { Escalation, EscalationNote, EscalationWithNotes } from './office.responses.js';

const ESCALATION_ID = { name: 'id', schema: { type: 'string', format: 'uuid' } } as const;
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
  @ApiQuery({ name: 'kind', required: false, enum: ['escalation', 'reminder', 'calendar-missing', 'roster-changed', 'message-refused'], description: 'default: escalations and notices' })
  @ApiQuery({ name: 'level', required: false, enum: ['reminder-1', 'reminder-2', 'overdue', 'overdue-leader', 'office'] })
  @ApiQuery({ name: 'open', required: false, enum: ['true', 'false'], description: 'true: not yet acknowledged (default)' })
  @ApiOkResponse({ type: [Escalation] })
  @ApiProblems(400, 401)
  list(@Query() query: ListEscalationsQuery) {
    return this.office.alerts.list({
      kinds: query.kind ? [query.kind] : ['escalation', 'calendar-missing', 'roster-changed', 'message-refused'],
      level: query.level,
      open: query.open !== 'false',
      limit: 500,
    });
  }

  @Get(':id')
  @ApiOperation({ summary: 'One escalation or notice, with its notes' })
  @ApiParam(ESCALATION_ID)
  @ApiOkResponse({ type: EscalationWithNotes })
  @ApiProblems(400, 401, 404)
  async get(@Param('id', ParseUUIDPipe) id: string) {
    const alert = await this.office.alerts.find(id);
    if (!alert) throw new NotFoundException(`no escalation ${id}`);
    return alert;
  }

  @Post(':id/acknowledge')
  @HttpCode(200)
  @ApiOperation({ summary: 'Acknowledge: it leaves the open list; the first acknowledgement is kept' })
  @ApiParam(ESCALATION_ID)
  @ApiBody({ schema: { $ref: '#/components/schemas/AcknowledgeRequest' }, examples: { ack: { summary: '联席办签收', value: { by: '联席办张某' } } } })
  @ApiOkResponse({ type: EscalationWithNotes })
  @ApiProblems(400, 401, 404, 413)
  async acknowledge(@Param('id', ParseUUIDPipe) id: string, @Body() body: AcknowledgeRequest) {
    await this.get(id);
    await this.office.alerts.acknowledge(id, body.by, this.clock.now());
    return this.office.alerts.find(id);
  }

  @Post(':id/notes')
  @ApiOperation({ summary: 'Add a note (what was done, whom the office called)' })
  @ApiParam(ESCALATION_ID)
  @ApiBody({ schema: { $ref: '#/components/schemas/NoteRequest' }, examples: { note: { summary: '督办记录', value: { author: '联席办张某', text: '已电话联系教育局联络人，承诺今日启动程序。' } } } })
  @ApiCreatedResponse({ type: EscalationNote })
  @ApiProblems(400, 401, 404, 413)
  async note(@Param('id', ParseUUIDPipe) id: string, @Body() body: NoteRequest) {
    await this.get(id);
    return this.office.alerts.addNote(id, body.author, body.text);
  }
}
