import { Transform } from 'class-transformer';
import { IsBoolean, IsIn, IsOptional, IsUUID } from 'class-validator';
import { HANDOFF_KINDS, type HandoffKind, type Step, STEP_ORDER } from '#contracts';
import { PageLimit } from './page-limit.js';

export class ListHandoffsQuery {
  /** sent: handoffs the unit opened; received: handoffs addressed to it; default both */
  @IsOptional()
  @IsIn(['sent', 'received'])
  role?: 'sent' | 'received';

  /** the latest step reached */
  @IsOptional()
  @IsIn(STEP_ORDER)
  step?: Step;

  @IsOptional()
  @IsIn(HANDOFF_KINDS)
  kind?: HandoffKind;

  @PageLimit()
  limit?: number;

  /** id of the last handoff of the previous page */
  @IsOptional()
  @IsUUID()
  after?: string;

  /** 第二十四条: true lists the archived handoffs instead of the working ones */
  @IsOptional()
  @Transform(({ value }: { value: unknown }) => (value === 'true' ? true : value === 'false' ? false : value))
  @IsBoolean()
  archived?: boolean;
}
