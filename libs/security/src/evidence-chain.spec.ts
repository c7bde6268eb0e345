import { auditHash, checkpointPayload, GENESIS_HASH, type StoredAuditRecord, type StoredCheckpoint, verifyChain } from './evidence-chain.js';
import { messageSigner, newSigningKeyPair, parseSigningRegistry, signBytes, verifyBytes } from './message-signature.js';

function chainOf(n: number, chain = 'procuratorate'): StoredAuditRecord[] {
  const records: StoredAuditRecord[] = [];
  let prevHash = GENESIS_HASH;
  for (let seq = 1; seq <= n; seq++) {
    const entry = { chain, seq, at: new Date(Date.UTC(2026, 10, 29, 10, 0, seq)).toISOString(), actor: 'procuratorate', agency: 'procuratorate', handoffId: null, action: `step.${seq}`, reason: 'test', prevHash };
    const hash = auditHash(entry);
    records.push({ ...entry, hash });
    prevHash = hash;
  }
  return records;
}

const rehash = (record: StoredAuditRecord): StoredAuditRecord => ({ ...record, hash: auditHash(record) });

describe('evidence chain', () => {
  it('accepts a whole chain', () => {
    expect(verifyChain('procuratorate', chainOf(6))).toBeNull();
  });

  it('finds a changed record, whether or not its hash was recomputed', () => {
    const edited = chainOf(6);
    edited[2] = { ...edited[2], reason: 'rewritten' };
    expect(verifyChain('procuratorate', edited)).toMatchObject({ seq: 3, kind: 'changed' });
    const recomputed = chainOf(6);
    recomputed[2] = rehash({ ...recomputed[2], reason: 'rewritten' });
    expect(verifyChain('procuratorate', recomputed)).toMatchObject({ seq: 3, kind: 'changed' });
  });

  it('finds a removed record, and one removed with the rest renumbered', () => {
    const gap = chainOf(6).filter((record) => record.seq !== 4);
    expect(verifyChain('procuratorate', gap)).toMatchObject({ seq: 4, kind: 'removed' });
    const renumbered = chainOf(6).filter((record) => record.seq !== 4).map((record) => (record.seq > 4 ? rehash({ ...record, seq: record.seq - 1 }) : record));
    expect(verifyChain('procuratorate', renumbered)).toMatchObject({ seq: 3, kind: 'changed' });
  });

  it('finds an inserted record', () => {
    const records = chainOf(5);
    const forged = rehash({ ...records[2], action: 'handoff.opened', reason: 'forged', prevHash: 'f'.repeat(64) });
    // #3 replaced by a forged one, the real ones after it shifted up
    const inserted = [...records.slice(0, 2), { ...forged, seq: 3 }, ...records.slice(2).map((r) => ({ ...r, seq: r.seq + 1 }))];
    expect(verifyChain('procuratorate', inserted)).toMatchObject({ seq: 3, kind: 'inserted' });
  });

  it('finds the last records removed through a signed checkpoint, and a checkpoint not signed by the writer', () => {
    const pair = newSigningKeyPair();
    const signer = messageSigner('procuratorate', pair.privateKey);
    const registry = parseSigningRegistry(JSON.stringify({ procuratorate: [{ key: pair.publicKey }] }), ['procuratorate']);
    const records = chainOf(6);
    const head = { chain: 'procuratorate', seq: 6, hash: records[5].hash, at: records[5].at };
    const checkpoint: StoredCheckpoint = { ...head, signature: signBytes(signer, checkpointPayload(head)) };
    const check = (cp: StoredCheckpoint) => verifyBytes(registry, 'procuratorate', checkpointPayload(cp), cp.signature);
    expect(verifyChain('procuratorate', records, [checkpoint], check)).toBeNull();
    expect(verifyChain('procuratorate', records.slice(0, 4), [checkpoint], check)).toMatchObject({ seq: 5, kind: 'removed' });
    const forged = { ...checkpoint, seq: 4, hash: records[3].hash };
    expect(verifyChain('procuratorate', records, [forged], check)).toMatchObject({ seq: 4, kind: 'checkpoint' });
  });
});
