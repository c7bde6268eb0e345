import { Body, Controller, Get, Param, ParseIntPipe, Put, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiKeyGuard } from '#http';
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
  list() {
    return this.calendar.loadedYears();
  }

  @Put(':year')
  @ApiOperation({ summary: 'Load or correct a year (the State Council notice); refused whole with reasons if malformed' })
  load(@Param('year', ParseIntPipe) year: number, @Body() body: CalendarYearRequest) {
    return this.upload.load({ year, holidays: body.holidays, makeupWorkdays: body.makeupWorkdays }, 'office-api');
  }
}
