import { registerAs } from '@nestjs/config';
import { unitDefinition, type DeliveryMode } from '#units';
import type { UnitCode } from '#contracts';
import { AdapterEnv } from './adapter-env.dto.js';
import { key32 } from './key-settings.js';
import { type CryptoSuiteName, messageSigner, type MessageSigner, parseSigningRegistry, type SigningKeyRegistry, signingKeyId, useCryptoSuite } from '#security';
import { UNIT_CODES } from '#contracts';
import type { LogLevel } from './log-level.js';
import { type QueueSettings, queueSettingsFrom, type RetrySettings } from './queue-settings.js';
import { InvalidConfigurationError, refuseTestClockInProduction, validateEnv } from './validate-env.js';

export interface AdapterSettings extends QueueSettings {
  agency: UnitCode;
  port: number;
  host: string;
  apiKeySha256: readonly string[];
  delivery: { mode: 'pull' } | { mode: 'webhook'; url: string; secret: string };
  maxBodyBytes: number;
  outboxPollMs: number;
  /** how often, at most, the evidence log's unsigned tail is signed (AUDIT_CHECKPOINT_INTERVAL_MS) */
  auditCheckpointIntervalMs: number;
  inboxRetry: RetrySettings;
  deliveryRetry: RetrySettings;
  deliveryTimeoutMs: number;
  workerLockMs: number;
  logLevel: LogLevel;
  /** field encryption at rest */
  fieldEncryption: { unit: UnitCode; masterKey: Buffer; previousMasterKey?: Buffer; idHashKey: Buffer };
  /** signed messages: this unit's key, and every unit's public keys */
  signing: { signer: MessageSigner; registry: SigningKeyRegistry };
  /** CRYPTO_SUITE: what this adapter signs, MACs and makes new data keys with */
  cryptoSuite: CryptoSuiteName;
}

function signingOf(raw: AdapterEnv): AdapterSettings['signing'] {
  const signer = messageSigner(raw.AGENCY, raw.SIGNING_PRIVATE_KEY);
  const registry = parseSigningRegistry(raw.UNIT_PUBLIC_KEYS, UNIT_CODES);
  const suite = useCryptoSuite(raw.CRYPTO_SUITE);
  if (signer.algorithm !== suite.signature) {
    throw new InvalidConfigurationError(
      `invalid configuration:\n  SIGNING_PRIVATE_KEY, CRYPTO_SUITE: ${raw.AGENCY}'s key is ${signer.algorithm}, the ${suite.name} suite signs with ${suite.signature} (npm run keys -- rotate-signing-key ${raw.AGENCY} --suite ${suite.name})`,
    );
  }
  const own = registry.get(raw.AGENCY)?.find((key) => key.keyId === signingKeyId(key) && key.keyId === signer.keyId);
  if (!own || (own.notAfter && own.notAfter.getTime() <= Date.now())) {
    throw new InvalidConfigurationError(
      `invalid configuration:\n  SIGNING_PRIVATE_KEY, UNIT_PUBLIC_KEYS: ${raw.AGENCY}'s key ${signer.keyId} is not a valid key of ${raw.AGENCY} in the registry`,
    );
  }
  return { signer, registry };
}

function deliveryOf(raw: AdapterEnv, mode: DeliveryMode): AdapterSettings['delivery'] {
  if (mode === 'pull') return { mode };
  if (!raw.WEBHOOK_URL || !raw.WEBHOOK_SECRET) {
    throw new InvalidConfigurationError(
      `invalid configuration:\n  WEBHOOK_URL, WEBHOOK_SECRET: ${raw.AGENCY} delivers by webhook, so both must be set (or set DELIVERY_MODE=pull)`,
    );
  }
  return { mode, url: raw.WEBHOOK_URL, secret: raw.WEBHOOK_SECRET };
}

/** Turns validated environment into settings, filling unit defaults from libs/units. */
export function adapterSettingsFrom(env: Record<string, string | undefined>): AdapterSettings {
  const raw = validateEnv(AdapterEnv, env);
  refuseTestClockInProduction(raw, env);
  const unit = unitDefinition(raw.AGENCY);
  const delivery = deliveryOf(raw, raw.DELIVERY_MODE ?? unit.defaultDeliveryMode);
  return Object.freeze({
    agency: raw.AGENCY,
    port: raw.PORT ?? unit.defaultPort,
    host: raw.HOST,
    ...queueSettingsFrom(raw),
    apiKeySha256: raw.API_KEY_SHA256,
    delivery,
    maxBodyBytes: raw.MAX_BODY_BYTES,
    outboxPollMs: raw.OUTBOX_POLL_MS,
    auditCheckpointIntervalMs: raw.AUDIT_CHECKPOINT_INTERVAL_MS,
    inboxRetry: { windowMs: raw.INBOX_RETRY_WINDOW_SECONDS * 1000, backoffMs: raw.INBOX_BACKOFF_MS, maxBackoffMs: raw.RETRY_MAX_BACKOFF_MS },
    deliveryRetry: { windowMs: raw.DELIVERY_RETRY_WINDOW_SECONDS * 1000, backoffMs: raw.DELIVERY_BACKOFF_MS, maxBackoffMs: raw.RETRY_MAX_BACKOFF_MS },
    deliveryTimeoutMs: raw.DELIVERY_TIMEOUT_MS,
    workerLockMs: raw.WORKER_LOCK_MS,
    logLevel: raw.LOG_LEVEL,
    // 第二十四条: the unit's own master key, which wraps its data keys only.
    fieldEncryption: {
      unit: raw.AGENCY,
      masterKey: key32(raw.DATA_MASTER_KEY),
      ...(raw.DATA_MASTER_KEY_PREVIOUS ? { previousMasterKey: key32(raw.DATA_MASTER_KEY_PREVIOUS) } : {}),
      idHashKey: key32(raw.PERSON_ID_HMAC_KEY),
    },
    signing: signingOf(raw),
    cryptoSuite: raw.CRYPTO_SUITE,
  });
}

/** The one place an adapter reads process.env; inject with @Inject(adapterConfig.KEY). */
export const adapterConfig = registerAs('adapter', (): AdapterSettings => adapterSettingsFrom(process.env));
