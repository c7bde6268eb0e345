import { Transform } from 'class-transformer';
import { IsInt, IsOptional, IsString, IsUrl, Matches, Max, Min, MinLength, ValidateIf } from 'class-validator';
import { BusProcessEnv, toInt, toList } from './bus-process-env.dto.js';

/** Every setting of the scheduler process, read from the environment once, at boot. */
export class SchedulerEnv extends BusProcessEnv {
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(65535)
  PORT = 3200;

  /** SHA-256 (hex) of each boot-time key of the joint-meeting office's system; beside the ApiKey table (`npm run keys -- rotate office`) */
  @Transform(toList)
  @Matches(/^[0-9a-f]{64}$/, { each: true, message: 'OFFICE_API_KEY_SHA256 must be comma-separated SHA-256 hex digests' })
  OFFICE_API_KEY_SHA256!: string[];

  /** how often the sweep looks for what has come due (measured p99 lateness: about twice this; npm run bench) */
  @Transform(toInt)
  @IsInt()
  @Min(50)
  SWEEP_INTERVAL_MS = 1_000;

  /** obligations claimed per transaction; small batches keep a backlog from starving the bus */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(10_000)
  SWEEP_BATCH_SIZE = 200;

  /**
   * 第二十条 ¶2 "有关社会救助管理部门立即告知人民检察院": clock hours, from the noticedAt the department
   * states, within which its notice counts as sent at once. A later notice is recorded late.
   */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  URGENT_NOTICE_HOURS = 2;

  /**
   * An office rule, not the text's: clock hours the procuratorate has to start its procedure on an
   * urgent medical notice. 0 (the default) leaves the rule off — 第二十条 ¶2 gives the procuratorate no such clock.
   */
  @Transform(toInt)
  @IsInt()
  @Min(0)
  URGENT_ACK_HOURS = 0;

  /** 第二十条 ¶2 先行救助后及时补办手续: working days to complete the paperwork after paying first (the text says only "及时") */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  PAPERWORK_WORKING_DAYS = 5;

  /** working days after the due day at which an escalation names the unit's leader */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  LEADER_ESCALATION_WORKING_DAYS = 3;

  /** 第二十四条 归档: calendar days after its feedback is received that a closed handoff is archived */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  ARCHIVE_AFTER_DAYS = 90;

  @IsOptional()
  @IsUrl({ require_tld: false, protocols: ['http', 'https'], require_protocol: true }, { message: 'OFFICE_WEBHOOK_URL must be an http(s) URL' })
  OFFICE_WEBHOOK_URL?: string;

  @ValidateIf((env: SchedulerEnv) => env.OFFICE_WEBHOOK_URL !== undefined)
  @IsString()
  @MinLength(16, { message: 'OFFICE_WEBHOOK_SECRET must be at least 16 characters (required with OFFICE_WEBHOOK_URL)' })
  OFFICE_WEBHOOK_SECRET?: string;

  /** smtp://user:pass@host:port; e-mail is sent only when it is set */
  @IsOptional()
  @Matches(/^smtps?:\/\/\S+$/, { message: 'SMTP_URL must be an smtp:// or smtps:// URL' })
  SMTP_URL?: string;

  @IsOptional()
  @IsString()
  MAIL_FROM = '司法救助衔接平台 <bus@localhost>';

  /** the joint-meeting office's mailbox */
  @IsOptional()
  @IsString()
  OFFICE_EMAIL?: string;

  /** how long an alert is retried before it is dead-lettered (a failing office webhook or SMTP) */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  ALERT_RETRY_WINDOW_SECONDS = 86_400;

  @Transform(toInt)
  @IsInt()
  @Min(10)
  ALERT_BACKOFF_MS = 2_000;

  @Transform(toInt)
  @IsInt()
  @Min(500)
  WORKER_LOCK_MS = 30_000;

  /** a message not taken up, or a webhook delivery not done, after this long raises an operations alert */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  STUCK_MESSAGE_ALERT_SECONDS = 900;
}
