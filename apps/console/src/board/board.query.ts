import { IsIn, IsOptional } from 'class-validator';
import { UNIT_CODES, type UnitCode, IsCalendarDate, PRIORITIES, type Priority, type Step, STEP_ORDER } from '#contracts';

/** The filters of the handoff board: unit, step, date range (Beijing dates), priority. */
export class BoardQuery {
  @IsOptional()
  @IsIn(UNIT_CODES)
  unit?: UnitCode;

  @IsOptional()
  @IsIn(STEP_ORDER)
  step?: Step;

  @IsOptional()
  @IsIn(PRIORITIES)
  priority?: Priority;

  @IsOptional()
  @IsCalendarDate()
  from?: string;

  @IsOptional()
  @IsCalendarDate()
  to?: string;
}
