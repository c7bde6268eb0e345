import { Type } from 'class-transformer';
import { IsArray, IsIn, IsOptional, IsString, Length } from 'class-validator';
import { ALERT_KINDS, ALERT_LEVELS } from '#deadlines';

export class ListEscalationsQuery {
  /** escalation (default: escalations and notices), reminder, calendar-missing, roster-changed, duty-done-late, message-refused (a forged or altered message refused by a unit), operations (the bus's own alarms) */
  @IsOptional()
  @IsIn(ALERT_KINDS)
  kind?: string;

  @IsOptional()
  @IsIn([...ALERT_LEVELS, 'office'])
  level?: string;

  /** true: not yet acknowledged (default); false: acknowledged */
  @IsOptional()
  @Type(() => String)
  @IsIn(['true', 'false'])
  open?: 'true' | 'false';
}

export class AcknowledgeRequest {
  @IsString()
  @Length(1, 50)
  by!: string;
}

export class NoteRequest {
  @IsString()
  @Length(1, 50)
  author!: string;

  @IsString()
  @Length(1, 2000)
  text!: string;
}

export class CalendarYearRequest {
  /** every day off that year, YYYY-MM-DD (weekend days of a holiday included) */
  @IsArray()
  @IsString({ each: true })
  holidays!: string[];

  /** weekend days that are working days (调休) */
  @IsArray()
  @IsString({ each: true })
  makeupWorkdays!: string[];
}
