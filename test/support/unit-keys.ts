import { UNIT_CODES, type UnitCode } from '#contracts';
import { connectDataKeyRotation } from '#persistence';
import { key32 } from '#config';
import { TEST_PERSON_ID_HMAC_KEY, testDataMasterKey } from './security-env.js';

/**
 * Each unit's first data key, as its adapter makes it when it first starts (第二十四条: only the unit's
 * own master key can make it). A test that sends to units whose adapters it does not run calls this:
 * a sender seals what it sends to the recipient's key, so the recipient must have one.
 */
export async function provisionUnitKeys(databaseUrl: string, units: readonly UnitCode[] = UNIT_CODES): Promise<void> {
  for (const unit of units) {
    const keys = await connectDataKeyRotation(databaseUrl, { unit, masterKey: key32(testDataMasterKey(unit)), idHashKey: key32(TEST_PERSON_ID_HMAC_KEY) });
    await keys.close();
  }
}
