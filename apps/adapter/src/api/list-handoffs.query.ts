import { IsIn, IsOptional, IsUUID } from 'class-validator';
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
}
