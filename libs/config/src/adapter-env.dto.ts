import { Transform } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, IsUrl, Matches, Max, Min, MinLength, ValidateIf } from 'class-validator';
import { IsKey32, IsSigningPrivateKey, IsSigningRegistry } from './key-settings.js';
import { UNIT_CODES, type UnitCode } from '#contracts';
import { BusProcessEnv, toInt, toList } from './bus-process-env.dto.js';

/** Every setting of an adapter process, read from the environment once, at boot. */
export class AdapterEnv extends BusProcessEnv {
  /** which member unit this process serves */
  @IsIn(UNIT_CODES)
  AGENCY!: UnitCode;

  /** defaults to the unit's own port in libs/units */
  @IsOptional()
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(65535)
  PORT?: number;

  /**
   * SHA-256 (hex) of each boot-time API key the unit's system may present: the fallback beside the
   * ApiKey table, where `npm run keys` rotates and revokes keys (a row for the same digest decides)
   */
  @Transform(toList)
  @Matches(/^[0-9a-f]{64}$/, { each: true, message: 'API_KEY_SHA256 must be comma-separated SHA-256 hex digests' })
  API_KEY_SHA256!: string[];

  /** defaults to the unit's mode in libs/units */
  @IsOptional()
  @IsIn(['webhook', 'pull'])
  DELIVERY_MODE?: 'webhook' | 'pull';

  @ValidateIf((env: AdapterEnv) => env.DELIVERY_MODE === 'webhook' || env.WEBHOOK_URL !== undefined)
  @IsUrl({ require_tld: false, protocols: ['http', 'https'], require_protocol: true }, { message: 'WEBHOOK_URL must be an http(s) URL' })
  WEBHOOK_URL?: string;

  @ValidateIf((env: AdapterEnv) => env.WEBHOOK_URL !== undefined)
  @IsString()
  @MinLength(16, { message: 'WEBHOOK_SECRET must be at least 16 characters' })
  WEBHOOK_SECRET?: string;

  @Transform(toInt)
  @IsInt()
  @Min(1024)
  MAX_BODY_BYTES = 262_144;

  @Transform(toInt)
  @IsInt()
  @Min(10)
  OUTBOX_POLL_MS = 500;

  /**
   * How often the evidence log's unsigned records (those after the chain's last signed checkpoint)
   * are signed, at most: they are the ones whose removal would not show.
   */
  @Transform(toInt)
  @IsInt()
  @Min(100)
  AUDIT_CHECKPOINT_INTERVAL_MS = 5_000;

  /** how long a message that cannot be consumed is retried before it is dead-lettered */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  INBOX_RETRY_WINDOW_SECONDS = 86_400;

  /**
   * How long a worker holds a job; a job whose process died is taken up again after about this
   * long (BullMQ lockDuration and stalled-job check interval).
   */
  @Transform(toInt)
  @IsInt()
  @Min(500)
  WORKER_LOCK_MS = 30_000;

  @Transform(toInt)
  @IsInt()
  @Min(10)
  INBOX_BACKOFF_MS = 1_000;

  /** how long a webhook delivery to the unit's system is retried before it is marked failed and dead-lettered */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  DELIVERY_RETRY_WINDOW_SECONDS = 86_400;

  @Transform(toInt)
  @IsInt()
  @Min(10)
  DELIVERY_BACKOFF_MS = 2_000;

  @Transform(toInt)
  @IsInt()
  @Min(100)
  DELIVERY_TIMEOUT_MS = 10_000;

  /**
   * This unit's master key of field encryption: wraps its own data keys (table DataKey) under which
   * its copies of citizens' fields are encrypted at rest. 32 bytes, base64 or hex; each unit its own
   * (第二十四条), never shared with another.
   */
  @IsKey32()
  DATA_MASTER_KEY!: string;

  /**
   * The single master key every adapter had before each unit got its own: opens the data keys of no
   * unit still wrapped under it, until this unit's rotation moved its rows (npm run keys -- rotate-data-key --unit).
   */
  @IsOptional()
  @IsKey32()
  DATA_MASTER_KEY_PREVIOUS?: string;

  /** Key of the HMAC-SHA-256 kept of each resident ID number (lookup, de-duplication). 32 bytes, base64 or hex; the same in every adapter. */
  @IsKey32()
  PERSON_ID_HMAC_KEY!: string;

  /** This unit's private key, of CRYPTO_SUITE's kind: Ed25519 (base64 of PKCS#8 DER) or SM2 (sm2:<64 hex>); signs every message it writes. */
  @IsSigningPrivateKey()
  SIGNING_PRIVATE_KEY!: string;

  /**
   * The unit registry's public keys, every unit's (JSON `{"<unit>": [{"key": "<base64>", "alg"?: "ed25519"|"sm2", "notAfter"?: "<ISO>"}]}`):
   * a received message is verified against its sender's; a previous key carries the end of its overlap.
   */
  @IsSigningRegistry()
  UNIT_PUBLIC_KEYS!: string;
}
