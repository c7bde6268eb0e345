import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { MEASURE_KINDS, MEASURE_STATUSES } from '#handoffs';

// A person's ledger (台账, 第二十五条) as the adapters answer a unit and the scheduler the office: one
// shape for both, so a unit's system and the office's read the same fields.

export class MeasureView {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ format: 'uuid' }) handoffId!: string;
  @ApiProperty({ description: 'the unit that took it' }) agency!: string;
  @ApiProperty({ enum: MEASURE_KINDS }) kind!: string;
  @ApiProperty({ enum: MEASURE_STATUSES }) status!: string;
  @ApiProperty({ format: 'date' }) decidedOn!: string;
  @ApiProperty({ type: Number, nullable: true }) amountFen!: number | null;
  @ApiProperty({ type: Number, nullable: true }) instalments!: number | null;
  @ApiProperty({ format: 'date-time' }) recordedAt!: string;
  @ApiPropertyOptional({ description: 'the note, to the unit that took the measure only' }) note?: string;
}

export class LedgerStepView {
  @ApiProperty() step!: string;
  @ApiProperty({ format: 'date-time' }) at!: string;
  @ApiPropertyOptional({ format: 'date', description: 'the date the unit stated for the step (第二十一条)' }) statedOn?: string;
}

export class LedgerHandoffView {
  @ApiProperty({ format: 'uuid' }) handoffId!: string;
  @ApiProperty() kind!: string;
  @ApiProperty() from!: string;
  @ApiProperty() to!: string;
  @ApiProperty() caseRef!: string;
  @ApiProperty({ format: 'date-time' }) openedAt!: string;
  @ApiProperty() currentStep!: string;
  @ApiProperty() archived!: boolean;
  @ApiProperty({ type: [LedgerStepView] }) steps!: LedgerStepView[];
  @ApiProperty({ type: [MeasureView], description: 'the measures recorded on the handoff that the reader may see: a unit its own on its own handoffs (none on others); the office every unit’s' }) measures!: MeasureView[];
}
