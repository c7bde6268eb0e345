import { ApiProperty } from '@nestjs/swagger';
import { UNIT_CODES } from '#contracts';
import { ALERT_KINDS } from '#deadlines';

// What the office's API answers, as the repositories return the rows.

export class AlertRecipient {
  @ApiProperty({ enum: ['liaison', 'leader', 'office'], examples: ['liaison'] })
  role!: string;

  @ApiProperty({ type: 'string', nullable: true, examples: ['陈某'] })
  name!: string | null;

  @ApiProperty({ type: 'string', nullable: true, examples: ['13900000001'] })
  phone!: string | null;

  @ApiProperty({ type: 'string', nullable: true, examples: ['liaison@edu.example.cn'] })
  email!: string | null;
}

export class Escalation {
  @ApiProperty({ format: 'uuid' })
  id!: string;

  @ApiProperty({ description: '`<handoff>:<rule>:<level>`, `calendar:<year>:missing`, `roster:<agency>:<time>`', examples: ['0f6e1c52-8f4d-4d0e-b1a4-6f3f1d2b9c77:procedure-started-after-receipt:overdue'] })
  dedupeKey!: string;

  @ApiProperty({ enum: [...ALERT_KINDS], examples: ['escalation'] })
  kind!: string;

  @ApiProperty({ examples: ['overdue'], description: 'reminder-1, reminder-2, overdue, overdue-leader, or office' })
  level!: string;

  @ApiProperty({ type: 'string', format: 'uuid', nullable: true })
  obligationId!: string | null;

  @ApiProperty({ type: 'string', format: 'uuid', nullable: true })
  handoffId!: string | null;

  @ApiProperty({ type: 'string', enum: UNIT_CODES, nullable: true, examples: ['education'] })
  agency!: string | null;

  @ApiProperty({ type: [AlertRecipient] })
  recipients!: AlertRecipient[];

  @ApiProperty({ description: 'the text sent; names units, rules and times, never a citizen', examples: ['晋江市教育局逾期未启动救助程序（第二十一条），请督办。'] })
  summary!: string;

  @ApiProperty({ format: 'date-time' })
  createdAt!: string;

  @ApiProperty({ type: 'string', format: 'date-time', nullable: true })
  publishedAt!: string | null;

  @ApiProperty({ type: 'string', format: 'date-time', nullable: true })
  webhookDeliveredAt!: string | null;

  @ApiProperty({ type: 'string', format: 'date-time', nullable: true })
  emailSentAt!: string | null;

  @ApiProperty({ type: 'string', format: 'date-time', nullable: true })
  acknowledgedAt!: string | null;

  @ApiProperty({ type: 'string', nullable: true, examples: ['联席办张某'] })
  acknowledgedBy!: string | null;
}

export class EscalationNote {
  @ApiProperty({ format: 'uuid' })
  id!: string;

  @ApiProperty({ format: 'uuid' })
  alertId!: string;

  @ApiProperty({ examples: ['联席办张某'] })
  author!: string;

  @ApiProperty({ examples: ['已电话联系教育局联络人，承诺今日启动程序。'] })
  text!: string;

  @ApiProperty({ format: 'date-time' })
  createdAt!: string;
}

export class EscalationWithNotes extends Escalation {
  @ApiProperty({ type: [EscalationNote] })
  notes!: EscalationNote[];
}

export class ObligationView {
  @ApiProperty({ format: 'uuid' })
  id!: string;

  @ApiProperty({ format: 'uuid' })
  handoffId!: string;

  @ApiProperty({ description: 'the rule (duty) id', examples: ['procedure-started-after-receipt'] })
  rule!: string;

  @ApiProperty({ enum: UNIT_CODES, examples: ['education'] })
  responsibleAgency!: string;

  @ApiProperty({ format: 'date-time' })
  startAt!: string;

  @ApiProperty({ format: 'date-time' })
  dueAt!: string;

  @ApiProperty({ description: 'computed with weekends only: a year of the period has no loaded calendar yet' })
  provisional!: boolean;

  @ApiProperty({ type: [Number], examples: [[2027]] })
  missingYears!: number[];

  @ApiProperty({ description: 'the green channel (第五条)' })
  greenChannel!: boolean;

  @ApiProperty({ enum: ['open', 'fulfilled'] })
  status!: string;

  @ApiProperty({ type: 'string', format: 'date-time', nullable: true })
  fulfilledAt!: string | null;

  @ApiProperty({ type: 'boolean', nullable: true, description: 'fulfilled after its due time; null while open' })
  late!: boolean | null;

  @ApiProperty({ type: 'string', nullable: true, description: 'reminder-1, reminder-2, overdue, overdue-leader; null when none is left' })
  nextLevel!: string | null;

  @ApiProperty({ type: 'string', format: 'date-time', nullable: true })
  nextActionAt!: string | null;

  @ApiProperty({ format: 'date-time' })
  createdAt!: string;

  @ApiProperty({ format: 'date-time' })
  updatedAt!: string;
}

export class CalendarYearView {
  @ApiProperty({ examples: [2027] })
  year!: number;

  @ApiProperty({ type: [String], format: 'date', examples: [['2027-01-01']] })
  holidays!: string[];

  @ApiProperty({ type: [String], format: 'date', description: '调休: weekend days that are working days', examples: [['2027-02-20']] })
  makeupWorkdays!: string[];

  @ApiProperty({ format: 'date-time' })
  loadedAt!: string;

  @ApiProperty({ examples: ['office-api'] })
  loadedBy!: string;
}

export class CalendarLoaded {
  @ApiProperty({ examples: [2027] })
  year!: number;

  @ApiProperty({ description: 'provisional obligations recomputed on the loaded calendar', examples: [3] })
  recomputed!: number;
}


/** The body of the office webhook (OFFICE_WEBHOOK_URL). */
export class OfficeAlertDelivery {
  @ApiProperty({ format: 'uuid', description: 'the alert id (X-Bus-Alert-Id): ignore a repeat' })
  id!: string;

  @ApiProperty({ description: 'the alert’s unique key', examples: ['0f6e1c52-8f4d-4d0e-b1a4-6f3f1d2b9c77:procedure-started-after-receipt:overdue'] })
  key!: string;

  @ApiProperty({ enum: [...ALERT_KINDS] })
  kind!: string;

  @ApiProperty({ examples: ['overdue'] })
  level!: string;

  @ApiProperty({ type: 'string', enum: UNIT_CODES, nullable: true })
  agency!: string | null;

  @ApiProperty({ type: 'string', format: 'uuid', nullable: true })
  handoffId!: string | null;

  @ApiProperty({ type: [AlertRecipient] })
  recipients!: AlertRecipient[];

  @ApiProperty({ examples: ['晋江市教育局逾期未启动救助程序（第二十一条），请督办。'] })
  summary!: string;

  @ApiProperty({ format: 'date-time' })
  createdAt!: string;
}
