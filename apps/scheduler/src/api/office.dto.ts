import { Type } from 'class-transformer';
import { IsArray, IsEmail, IsIn, IsOptional, IsString, Length, Matches } from 'class-validator';
import { ALERT_LEVELS } from '#deadlines';

export class ListEscalationsQuery {
  /** escalation (default: escalations and notices), reminder, calendar-missing, roster-changed */
  @IsOptional()
  @IsIn(['escalation', 'reminder', 'calendar-missing', 'roster-changed'])
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
  by: string;
}

export class NoteRequest {
  @IsString()
  @Length(1, 50)
  author: string;

  @IsString()
  @Length(1, 2000)
  text: string;
}

export class CalendarYearRequest {
  /** every day off that year, YYYY-MM-DD (weekend days of a holiday included) */
  @IsArray()
  @IsString({ each: true })
  holidays: string[];

  /** weekend days that are working days (调休) */
  @IsArray()
  @IsString({ each: true })
  makeupWorkdays: string[];
}

const PHONE = /^(1\d{10}|0\d{2,3}-?\d{7,8})$/;

/** 第二十二条: the unit's leader on the joint meeting and its liaison. */
export class RosterRequest {
  @IsString()
  @Length(1, 30)
  leaderName: string;

  @Matches(PHONE, { message: 'leaderPhone must be a mobile or landline number' })
  leaderPhone: string;

  @IsEmail()
  leaderEmail: string;

  @IsString()
  @Length(1, 30)
  liaisonName: string;

  @Matches(PHONE, { message: 'liaisonPhone must be a mobile or landline number' })
  liaisonPhone: string;

  @IsEmail()
  liaisonEmail: string;
}
