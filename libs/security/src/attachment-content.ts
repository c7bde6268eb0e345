import { decryptValue, encryptValue, isCiphertext, type DataKey, type KeyLookup, DecryptionError } from './field-cipher.js';
import { fieldAad } from './citizen-fields.js';

// 第二十四条: an attachment's bytes are a citizen's data like the fields of a handoff, encrypted with
// the same field cipher (AES-256-GCM, the key's id in the ciphertext). The associated data is the
// handoff id and the attachment's own id, so bytes copied to another attachment or handoff do not decrypt.

export function attachmentAad(handoffId: string, attachmentId: string): string {
  return fieldAad(handoffId, `attachments.${attachmentId}.content`);
}

/** The bytes encrypted under `key`, as the UTF-8 of the ciphertext (what the Bytes column holds). */
export function sealAttachmentContent(key: DataKey, handoffId: string, attachmentId: string, content: Uint8Array): Uint8Array {
  return Buffer.from(encryptValue(key, attachmentAad(handoffId, attachmentId), Buffer.from(content).toString('base64')), 'utf8');
}

/** The stored ciphertext as it is (a string), or null when the column holds plain bytes. */
export function attachmentCiphertext(stored: Uint8Array): string | null {
  const text = Buffer.from(stored.subarray(0, 5)).toString('utf8');
  if (!isCiphertext(text)) return null;
  return Buffer.from(stored).toString('utf8');
}

/** The plain bytes of a stored content made by sealAttachmentContent; DecryptionError when altered, moved or under an unknown key. */
export function openAttachmentContent(keys: KeyLookup, handoffId: string, attachmentId: string, stored: Uint8Array): Buffer {
  const token = attachmentCiphertext(stored);
  if (token === null) throw new DecryptionError(`attachment ${attachmentId} is not encrypted`);
  const value = decryptValue(keys, attachmentAad(handoffId, attachmentId), token);
  if (typeof value !== 'string') throw new DecryptionError(`attachment ${attachmentId} is malformed`);
  return Buffer.from(value, 'base64');
}
