import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { BusEnvelope } from '../unit-message.schemas.js';

export class EducationStudent {
  @ApiProperty({ description: '学生姓名', examples: ['林某某'] })
  fullName!: string;

  @ApiProperty({ description: '身份证号', examples: ['11010519491231002X'] })
  residentId!: string;

  @ApiProperty({ type: 'string', nullable: true, description: '联系电话: null — not in 教育局’s projection (第二十四条); the family is reached through the referring unit’s liaison', examples: [null] })
  contactPhone!: string | null;
}

/**
 * What 教育局's system receives (`EducationMapper`): the envelope with `referralNo` for the case
 * number, the person as `student`, and the payload without the person — all of it through
 * 教育局's projection (第二十四条, recipient-projections.ts).
 */
export class EducationMessage extends BusEnvelope {
  @ApiProperty({ description: '移送编号: the sender’s case number', examples: ['晋检救〔2026〕1号'] })
  referralNo!: string;

  @ApiPropertyOptional({ type: EducationStudent, description: 'the student (opening messages only)' })
  student?: EducationStudent;
}
