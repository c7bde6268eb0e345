import { ApiProperty, ApiPropertyOptional, getSchemaPath } from '@nestjs/swagger';
import { UNIT_CODES } from '#contracts';
import { BusEnvelope } from '../unit-message.schemas.js';

/** What 民政局's system receives: `CivilAffairsMapper`'s field names (pinyin initials). */
export class CivilAffairsMessage {
  @ApiProperty({ description: '业务类型: the message type', examples: ['handoff.judicial-referral'] })
  ywlx!: string;

  @ApiProperty({ format: 'uuid', description: '消息编号: the message id' })
  xxid!: string;

  @ApiProperty({ description: '案件编号: the sender’s case number', examples: ['晋检救〔2026〕1号'] })
  ajbh!: string;

  @ApiProperty({ format: 'uuid', description: '移交编号: the handoff id' })
  yjid!: string;

  @ApiProperty({ enum: UNIT_CODES, description: '发送单位: the sending unit', examples: ['procuratorate'] })
  fsdw!: string;

  @ApiPropertyOptional({ description: '姓名 (opening messages only)', examples: ['林某某'] })
  xm?: string;

  @ApiPropertyOptional({ description: '身份证号 (opening messages only)', examples: ['11010519491231002X'] })
  sfzh?: string;

  @ApiPropertyOptional({ type: 'string', nullable: true, description: '联系电话 (opening messages only)', examples: ['13800000000'] })
  lxdh?: string | null;

  @ApiProperty({ description: 'the canonical envelope, for traceability; its payload is 民政局’s projection only (第二十四条), as are the fields above', allOf: [{ $ref: getSchemaPath(BusEnvelope) }] })
  bus!: BusEnvelope;
}
