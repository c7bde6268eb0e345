import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsInt, IsOptional, IsString, Length, Max, Min } from 'class-validator';
import { JSONSchema } from 'class-validator-jsonschema';
import { IsCalendarDate, IsResidentId } from '#contracts';
import { MEASURE_KINDS, MEASURE_STATUSES, type MeasureKind, type MeasureStatus } from '#handoffs';
import { LedgerHandoffView } from '#http';

/** 第二十五条 台账: a measure of help the unit took on a handoff it is party to. */
export class RecordMeasureRequest {
  @JSONSchema({ description: 'a need of 第十条–第十八条 the policy gives this unit, or judicial-assistance (the procuratorate, 第十九条–第二十条); another unit’s duty is 400' })
  @IsIn(MEASURE_KINDS)
  kind!: MeasureKind;

  @JSONSchema({ description: 'granted, in-progress, completed, or refused (不予救助)' })
  @IsIn(MEASURE_STATUSES)
  status!: MeasureStatus;

  @JSONSchema({ description: 'the day the unit decided it (Beijing date); not in the future, not before the handoff was opened' })
  @IsCalendarDate()
  decidedOn!: string;

  @JSONSchema({ description: 'money granted or paid, in fen (分); required for judicial assistance unless refused' })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(2_000_000_000)
  amountFen?: number;

  @JSONSchema({ description: 'in how many instalments the money is paid (分期发放)' })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(120)
  instalments?: number;

  @JSONSchema({ description: 'the unit’s note (encrypted at rest; only this unit reads it)' })
  @IsOptional()
  @IsString()
  @Length(1, 2000)
  note?: string;
}

/** A person looked up in the ledger by resident ID number (sent in the body, never in a URL). */
export class LedgerLookupRequest {
  @JSONSchema({ description: 'the person’s resident ID number (GB 11643); the bus compares only its keyed hash' })
  @IsResidentId()
  idNumber!: string;
}

export class LedgerPersonView {
  @ApiPropertyOptional() name?: string;
  @ApiPropertyOptional() idNumber?: string;
}

export class PersonLedgerView {
  @ApiProperty({ type: LedgerPersonView, nullable: true, description: 'as the reader’s own handoffs hold it' }) person!: LedgerPersonView | null;
  @ApiProperty({ type: [LedgerHandoffView], description: 'the handoffs of the person the reader is party to, with its measures' }) own!: LedgerHandoffView[];
  @ApiProperty({ type: [LedgerHandoffView], description: '第八条: the other units’ handoffs of the same referrals — steps and dates only' }) shared!: LedgerHandoffView[];
}

export class LedgerExportQuery {
  @JSONSchema({ description: 'first day (Beijing date) of the handoffs opened' })
  @IsCalendarDate()
  from!: string;

  @JSONSchema({ description: 'the day after the last (Beijing date)' })
  @IsCalendarDate()
  to!: string;

  @JSONSchema({ description: 'csv (UTF-8 with BOM) or xlsx' })
  @IsOptional()
  @IsIn(['csv', 'xlsx'])
  format?: 'csv' | 'xlsx';
}
