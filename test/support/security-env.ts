import type { AgencyCode } from '#contracts';

/**
 * The key settings every adapter needs at boot (issue 9): the same field-encryption keys for the
 * whole bus (fixed, so every process of a test reads what another wrote).
 */
export const TEST_DATA_MASTER_KEY = '6d61737465722d6b65792d6f662d7468652d746573742d6275732d3031323334';
export const TEST_PERSON_ID_HMAC_KEY = '686d61632d6b65792d6f662d7468652d746573742d6275732d30313233343536';

export function securityEnv(_agency: AgencyCode): Record<string, string> {
  return { DATA_MASTER_KEY: TEST_DATA_MASTER_KEY, PERSON_ID_HMAC_KEY: TEST_PERSON_ID_HMAC_KEY };
}
