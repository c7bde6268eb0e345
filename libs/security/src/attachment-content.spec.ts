import { randomBytes } from 'node:crypto';
import { attachmentCiphertext, openAttachmentContent, sealAttachmentContent } from './attachment-content.js';
import { DecryptionError } from './field-cipher.js';

describe('attachment contents at rest (第二十四条)', () => {
  const key = { id: 'dkA', key: randomBytes(32) };
  const keys = { key: (id: string) => (id === key.id ? key.key : undefined) };
  const pdf = Buffer.from('%PDF-1.7\n% 医疗诊断证明\n%%EOF\n');

  it('stores a ciphertext naming its key, and reads the same bytes back', () => {
    const stored = sealAttachmentContent(key, 'h1', 'a1', pdf);
    expect(Buffer.from(stored).toString('utf8')).toMatch(/^enc1\.dkA\./);
    expect(Buffer.from(stored).includes(Buffer.from('%PDF'))).toBe(false);
    expect(openAttachmentContent(keys, 'h1', 'a1', stored).equals(pdf)).toBe(true);
  });

  it('does not decrypt when moved to another attachment or handoff, or under an unknown key', () => {
    const stored = sealAttachmentContent(key, 'h1', 'a1', pdf);
    expect(() => openAttachmentContent(keys, 'h1', 'a2', stored)).toThrow(DecryptionError);
    expect(() => openAttachmentContent(keys, 'h2', 'a1', stored)).toThrow(DecryptionError);
    expect(() => openAttachmentContent({ key: () => undefined }, 'h1', 'a1', stored)).toThrow(DecryptionError);
  });

  it('tells plain bytes (written before encryption) from a ciphertext', () => {
    expect(attachmentCiphertext(pdf)).toBeNull();
    expect(attachmentCiphertext(sealAttachmentContent(key, 'h1', 'a1', pdf))).toMatch(/^enc1\./);
  });
});
