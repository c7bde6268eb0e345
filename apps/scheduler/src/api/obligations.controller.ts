import { Controller, Get, ParseUUIDPipe, Query, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { ApiKeyGuard, ApiProblems } from '#http';
import { ObligationView } from './office.responses.js';
import { OfficeScope } from '#persistence';

@ApiTags('obligations')
@ApiBearerAuth()
@UseGuards(ApiKeyGuard)
@Controller('obligations')
export class ObligationsController {
  constructor(private readonly office: OfficeScope) {}

  @Get()
  @ApiOperation({ summary: 'The timed duties of one handoff, with due times, lateness and the next alert' })
  @ApiQuery({ name: 'handoffId', required: true, schema: { type: 'string', format: 'uuid' } })
  @ApiOkResponse({ type: [ObligationView] })
  @ApiProblems(400, 401)
  forHandoff(@Query('handoffId', ParseUUIDPipe) handoffId: string) {
    return this.office.obligations.forHandoff(handoffId);
  }
}
