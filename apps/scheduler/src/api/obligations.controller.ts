import { Controller, Get, ParseUUIDPipe, Query, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiKeyGuard } from '#http';
import { OfficeScope } from '#persistence';

@ApiTags('obligations')
@ApiBearerAuth()
@UseGuards(ApiKeyGuard)
@Controller('obligations')
export class ObligationsController {
  constructor(private readonly office: OfficeScope) {}

  @Get()
  @ApiOperation({ summary: 'The timed duties of one handoff, with due times, lateness and the next alert' })
  forHandoff(@Query('handoffId', ParseUUIDPipe) handoffId: string) {
    return this.office.obligations.forHandoff(handoffId);
  }
}
