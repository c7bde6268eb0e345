import {
  canonicalEnvelope,
  messageSigner,
  newSigningKeyPair,
  parseSigningRegistry,
  signEnvelope,
  type SignableEnvelope,
  verifyEnvelope,
} from './message-signature.js';

const UNITS = ['procuratorate', 'civil-affairs'];
const procuratorate = newSigningKeyPair();
const civilAffairs = newSigningKeyPair();
const NOW = new Date('2026-11-29T10:00:00Z');

function registry(extra: Record<string, { key: string; notAfter?: string }[]> = {}) {
  return parseSigningRegistry(
    JSON.stringify({
      procuratorate: [{ key: procuratorate.publicKey }, ...(extra.procuratorate ?? [])],
      'civil-affairs': [{ key: civilAffairs.publicKey }],
    }),
    UNITS,
  );
}

const envelope: SignableEnvelope = {
  id: '3f1e2d3c-4b5a-4697-8877-665544332211',
  type: 'handoff.judicial-referral',
  schemaVersion: 1,
  from: 'procuratorate',
  to: 'civil-affairs',
  handoffId: '7b0c3f4e-2a4b-4c1d-9e8f-0a1b2c3d4e5f',
  caseRef: '晋检救〔2026〕1号',
  correlationId: '11111111-2222-4333-8444-555555555555',
  causationId: null,
  occurredAt: '2026-11-29T09:00:00.000Z',
  priority: 'normal',
  payload: { person: { name: '张三', idNumber: '110101199003071234' }, findings: '…', situation: 'crime-victim' },
};

describe('message signatures (Ed25519)', () => {
  const signer = messageSigner('procuratorate', procuratorate.privateKey);

  it('signs the canonical envelope; the sender’s public key verifies it', () => {
    const signature = signEnvelope(signer, envelope);
    expect(signature).toMatch(new RegExp(`^ed25519\\.${procuratorate.keyId}\\.`));
    expect(verifyEnvelope(registry(), envelope, signature, NOW)).toEqual({ ok: true, keyId: procuratorate.keyId });
  });

  it('is independent of key order, and covers the payload through its hash', () => {
    const reordered = { ...envelope, payload: { situation: 'crime-victim', findings: '…', person: { idNumber: '110101199003071234', name: '张三' } } };
    expect(canonicalEnvelope(reordered).equals(canonicalEnvelope(envelope))).toBe(true);
    expect(canonicalEnvelope(envelope).toString()).not.toContain('张三');
  });

  it('refuses an altered payload or header', () => {
    const signature = signEnvelope(signer, envelope);
    const altered: SignableEnvelope[] = [
      { ...envelope, payload: { ...(envelope.payload as object), findings: '改' } },
      { ...envelope, to: 'education' },
      { ...envelope, handoffId: '0f0e0d0c-0b0a-4908-8706-050403020100' },
      { ...envelope, priority: 'urgent' },
      { ...envelope, id: '3f1e2d3c-4b5a-4697-8877-665544332212' },
    ];
    for (const candidate of altered) expect(verifyEnvelope(registry(), candidate, signature, NOW)).toMatchObject({ ok: false, reason: expect.stringMatching(/altered/) });
  });

  it('refuses a signature by a key that is not the sender’s, an unsigned and a malformed one', () => {
    const byCivil = signEnvelope(messageSigner('civil-affairs', civilAffairs.privateKey), { ...envelope, from: 'civil-affairs' });
    // civil-affairs's valid signature presented on a message that claims the procuratorate as sender
    expect(verifyEnvelope(registry(), envelope, byCivil, NOW)).toMatchObject({ ok: false, reason: expect.stringMatching(/not a key of the sender procuratorate/) });
    const stranger = messageSigner('procuratorate', newSigningKeyPair().privateKey);
    expect(verifyEnvelope(registry(), envelope, signEnvelope(stranger, envelope), NOW)).toMatchObject({ ok: false });
    expect(verifyEnvelope(registry(), envelope, null, NOW)).toEqual({ ok: false, reason: 'unsigned' });
    expect(verifyEnvelope(registry(), envelope, 'ed25519.zz.abc', NOW)).toMatchObject({ ok: false, reason: 'malformed signature' });
    expect(() => signEnvelope(signer, { ...envelope, from: 'civil-affairs' })).toThrow(/cannot sign/);
  });

  it('accepts a previous key during its overlap, and refuses it after', () => {
    const previous = newSigningKeyPair();
    const old = signEnvelope(messageSigner('procuratorate', previous.privateKey), envelope);
    const rotated = registry({ procuratorate: [{ key: previous.publicKey, notAfter: '2026-12-06T10:00:00Z' }] });
    expect(verifyEnvelope(rotated, envelope, old, NOW)).toEqual({ ok: true, keyId: previous.keyId });
    expect(verifyEnvelope(rotated, envelope, old, new Date('2026-12-06T10:00:00Z'))).toMatchObject({ ok: false, reason: expect.stringMatching(/ended/) });
    expect(verifyEnvelope(registry(), envelope, old, NOW)).toMatchObject({ ok: false });
  });

  it('reads the registry strictly', () => {
    expect(() => parseSigningRegistry('[]', UNITS)).toThrow(/object/);
    expect(() => parseSigningRegistry(JSON.stringify({ procuratorate: [{ key: procuratorate.publicKey }] }), UNITS)).toThrow(/no public key of civil-affairs/);
    expect(() => parseSigningRegistry(JSON.stringify({ procuratorate: [{ key: 'abc' }], 'civil-affairs': [{ key: civilAffairs.publicKey }] }), UNITS)).toThrow(/procuratorate\[0\]\.key/);
    expect(() =>
      parseSigningRegistry(JSON.stringify({ procuratorate: [{ key: procuratorate.publicKey, notAfter: 'soon' }], 'civil-affairs': [{ key: civilAffairs.publicKey }] }), UNITS),
    ).toThrow(/notAfter/);
    expect(() => parseSigningRegistry(JSON.stringify({ procuratorate: [{ key: procuratorate.publicKey }], 'civil-affairs': [{ key: civilAffairs.publicKey }], police: [] }), UNITS)).toThrow(/unknown units: police/);
  });
});
