import { createHmac } from 'node:crypto';

/**
 * HMAC-SHA-256 of a resident ID number under a configured key: what the database keeps for lookup
 * and de-duplication, never the number. The number is normalised first (the check
 * character upper case, no spaces) so one person always gets one hash.
 */
export function residentIdHash(key: Buffer, idNumber: string): string {
  const normalised = idNumber.replace(/\s+/g, '').toUpperCase();
  return createHmac('sha256', key).update('resident-id:').update(normalised, 'utf8').digest('hex');
}
