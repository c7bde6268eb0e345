import { ApiProperty } from '@nestjs/swagger';
import { UNIT_CODES, type UnitCode } from '#contracts';

// One answer shape for the roster, whether a unit reads its own (adapter) or the office reads all (scheduler).

/** 第二十二条: a unit's leader (分管领导) and liaison (联络人). */
export class RosterEntry {
  @ApiProperty({ enum: UNIT_CODES, examples: ['education'] })
  agency!: UnitCode;

  @ApiProperty({ examples: ['王某'] })
  leaderName!: string;

  @ApiProperty({ examples: ['13900000001'] })
  leaderPhone!: string;

  @ApiProperty({ format: 'email', examples: ['leader@edu.example.cn'] })
  leaderEmail!: string;

  @ApiProperty({ examples: ['陈某'] })
  liaisonName!: string;

  @ApiProperty({ examples: ['0595-85000000'] })
  liaisonPhone!: string;

  @ApiProperty({ format: 'email', examples: ['liaison@edu.example.cn'] })
  liaisonEmail!: string;

  @ApiProperty({ format: 'date-time' })
  updatedAt!: string;
}
