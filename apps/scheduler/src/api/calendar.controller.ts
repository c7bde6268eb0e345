import { Body, Controller, Get, Param, ParseIntPipe, Put, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import { ApiKeyGuard, ApiProblems } from '#http';
import { CalendarLoaded, CalendarYearView } from './office.responses.js';
import { CalendarService } from '../calendar/calendar.service.js';
import { CalendarUploadService } from '../calendar/calendar-upload.service.js';
import { CalendarYearRequest } from './office.dto.js';

@ApiTags('calendar')
@ApiBearerAuth()
@UseGuards(ApiKeyGuard)
@Controller('calendar/years')
export class CalendarController {
  constructor(
    private readonly calendar: CalendarService,
    private readonly upload: CalendarUploadService,
  ) {}

  @Get()
  @ApiOperation({ summary: 'Years the office loaded over the package calendar' })
  @ApiOkResponse({ type: [CalendarYearView] })
  @ApiProblems(401)
  list() {
    return this.calendar.loadedYears();
  }

  @Put(':year')
  @ApiOperation({ summary: 'Load or correct a year (the State Council notice); refused whole with reasons if malformed' })
  @ApiParam({ name: 'year', schema: { type: 'integer', minimum: 2000, maximum: 2100 }, example: 2027 })
  @ApiBody({ schema: { $ref: '#/components/schemas/CalendarYearRequest' }, examples: { year2027: { summary: '国务院办公厅关于2027年部分节假日安排的通知', value: { holidays: ['2027-01-01', '2027-02-06', '2027-02-07'], makeupWorkdays: ['2027-02-20'] } } } })
  @ApiOkResponse({ type: CalendarLoaded })
  @ApiProblems(400, 401, 413)
  load(@Param('year', ParseIntPipe) year: number, @Body() body: CalendarYearRequest) {
    return this.upload.load({ year, holidays: body.holidays, makeupWorkdays: body.makeupWorkdays }, 'office-api');
  }
}
