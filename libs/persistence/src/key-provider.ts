import { type DataKey, masterKeyFingerprint, unwrapDataKey, wrapDataKey } from '#security';

/**
 * The port through which a unit's data keys are wrapped and unwrapped under that unit's master key
 * (第二十四条: a key per unit, never shared). The bus asks it for two operations only, so the master
 * key may stay inside an HSM or a key service (KMS): `wrap` and `unwrap` are its encrypt and decrypt
 * of 32 bytes with associated data, `fingerprint` a stable public name of the master key in use.
 * docs/security.md, "Keys", says what an implementation must guarantee.
 */
export interface KeyProvider {
  /** the unit whose master key this is (a unit code) */
  readonly unit: string;
  /** a short public name of the master key, stored beside each key it wrapped: a wrong key is named at boot */
  readonly fingerprint: string;
  /** the data key encrypted under the unit's master key, bound to the data key's id */
  wrap(dataKey: DataKey): Promise<string>;
  /** the data key `id` from what `wrap` returned; throws when another master key wrapped it */
  unwrap(id: string, wrapped: string): Promise<Buffer>;
}

/**
 * The default provider: the unit's master key from the unit's own configuration (DATA_MASTER_KEY of
 * its adapter; in a shared process, its own <UNIT>_DATA_MASTER_KEY), held in this process's memory.
 */
export class ConfiguredKeyProvider implements KeyProvider {
  readonly fingerprint: string;

  constructor(
    readonly unit: string,
    private readonly masterKey: Buffer,
  ) {
    this.fingerprint = masterKeyFingerprint(masterKey);
  }

  wrap(dataKey: DataKey): Promise<string> {
    return Promise.resolve(wrapDataKey(this.masterKey, dataKey));
  }

  unwrap(id: string, wrapped: string): Promise<Buffer> {
    return Promise.resolve(unwrapDataKey(this.masterKey, id, wrapped));
  }
}
