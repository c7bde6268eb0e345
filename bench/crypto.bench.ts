// The per-message cost of each cryptography suite's primitives (npm run bench, or alone:
// `npm run bench -- --only=crypto`): what an adapter spends on one referral — signing and verifying
// its envelope, encrypting and decrypting its citizen fields, the keyed hashes (the ID number's and the
// webhook's), and a 200 KB document's bytes. Micro-benchmarks on one core, printed; nothing is timed
// against a limit. The bus's figures end to end are bus.bench.ts's.
import {
  CRYPTO_SUITES,
  cryptoSuite,
  messageSigner,
  newDataKey,
  newSigningKeyPair,
  openAttachmentContent,
  openCitizenFields,
  openSealedKey,
  parseSigningRegistry,
  residentIdHash,
  sealAttachmentContent,
  sealCitizenFields,
  sealKeyTo,
  signEnvelope,
  type SignableEnvelope,
  suiteMac,
  unitSealKeyPair,
  verifyEnvelope,
} from '../libs/security/src/index.js';
import { UNIT_CODES } from '../libs/contracts/src/index.js';

/** A typical referral's details (第十九条, 第九条): the person, the findings, the statement, the materials. */
const REFERRAL = {
  situation: 'serious-injury-victim',
  priorityGroups: ['minor'],
  investigationEndedOn: '2026-11-20',
  person: { name: '欧阳测试甲', idNumber: '35058219800101123X', phone: '13912345678', address: '福建省晋江市青阳街道测试路8号', gender: 'female', birthDate: '1980-01-01' },
  guardian: { name: '欧阳测试乙', relation: 'parent', phone: '13900000000' },
  findings: '经调查核实，被害人欧阳测试甲于2026年5月遭受故意伤害，重伤二级，丧失劳动能力，家庭无固定收入来源，子女尚在就读。'.repeat(4),
  applicantStatement: '本人因案致伤后无法工作，医疗费用已花费八万余元，家中老人需要照顾，生活陷入困境，申请司法救助。'.repeat(4),
  caseMaterials: [
    { kind: 'judgment', title: '刑事判决书（2026）闽0582刑初123号' },
    { kind: 'medical', title: '晋江市医院诊断证明及费用清单' },
    { kind: 'household-finances', title: '家庭收入证明' },
  ],
  recipientReasons: { 'civil-affairs': '符合最低生活保障条件，建议纳入低保', education: '子女就读，建议给予教育资助' },
};

function perOp(run: () => void, minMs = 1500): number {
  for (let i = 0; i < 20; i += 1) run(); // warm-up
  let n = 0;
  const start = process.hrtime.bigint();
  let elapsed = 0;
  while (elapsed < minMs) {
    for (let i = 0; i < 20; i += 1) run();
    n += 20;
    elapsed = Number(process.hrtime.bigint() - start) / 1e6;
  }
  return (elapsed * 1000) / n; // µs
}

const document = Buffer.alloc(200 * 1024, 0x25);
const rows: string[][] = [];
const handoffId = '3f1e2d3c-4b5a-4697-8877-665544332211';
for (const name of CRYPTO_SUITES) {
  const suite = cryptoSuite(name);
  const pair = newSigningKeyPair(suite);
  const signer = messageSigner('procuratorate', pair.privateKey);
  const registry = parseSigningRegistry(JSON.stringify(Object.fromEntries(UNIT_CODES.map((code) => [code, [{ key: pair.publicKey, alg: pair.alg }]]))), UNIT_CODES);
  const envelope: SignableEnvelope = {
    id: 'a1b2c3d4-0000-4000-8000-000000000001',
    type: 'handoff.judicial-referral',
    schemaVersion: 1,
    from: 'procuratorate',
    to: 'civil-affairs',
    handoffId,
    caseRef: '晋检救〔2026〕1号',
    correlationId: handoffId,
    causationId: null,
    occurredAt: '2026-12-01T09:00:00.000Z',
    priority: 'normal',
    payload: REFERRAL,
  };
  const now = new Date();
  const key = newDataKey(name);
  const keyLookup = { key: () => key.key };
  const macKey = Buffer.alloc(32, 7);
  const body = JSON.stringify(envelope);
  const sign = perOp(() => void signEnvelope(signer, envelope));
  const signature = signEnvelope(signer, envelope);
  const verify = perOp(() => {
    if (!verifyEnvelope(registry, envelope, signature, now).ok) throw new Error('does not verify');
  });
  const seal = perOp(() => void sealCitizenFields(key, handoffId, REFERRAL));
  const sealed = sealCitizenFields(key, handoffId, REFERRAL);
  const open = perOp(() => void openCitizenFields(keyLookup, handoffId, sealed));
  const mac = perOp(() => {
    residentIdHash(macKey, REFERRAL.person.idNumber, suite);
    suiteMac(suite, 'webhook-secret', `1795666500.${body}`);
  });
  const sealDoc = perOp(() => void sealAttachmentContent(key, handoffId, 'doc-1', document), 500);
  const storedDoc = sealAttachmentContent(key, handoffId, 'doc-1', document);
  const openDoc = perOp(() => void openAttachmentContent(keyLookup, handoffId, 'doc-1', storedDoc), 500);
  // 第二十四条: a referral's content key is sealed to each party's unit key (X25519 + HKDF + AES-GCM
  // in both suites) and opened by each party that reads it.
  const senderKey = newDataKey(name).key;
  const recipientKey = newDataKey(name).key;
  const parties = [senderKey, recipientKey].map((k, i) => ({ keyId: `dk${i}`, publicKey: unitSealKeyPair(k).publicKey }));
  const contentKey = newDataKey(name).key;
  const sealedKey = sealKeyTo(parties[1], 'content-key:ck|h', contentKey);
  const contentKeys = perOp(() => {
    for (const party of parties) sealKeyTo(party, 'content-key:ck|h', contentKey);
    openSealedKey(recipientKey, 'content-key:ck|h', sealedKey);
  });
  const total = sign + verify + seal + open + mac;
  const fmt = (us: number) => (us >= 1000 ? `${(us / 1000).toFixed(2)} ms` : `${us.toFixed(1)} µs`);
  rows.push([
    `${name} (${suite.signature}, ${suite.mac}, ${suite.cipher})`,
    fmt(sign),
    fmt(verify),
    fmt(seal),
    fmt(open),
    fmt(mac),
    fmt(total),
    fmt(contentKeys),
    fmt(sealDoc + openDoc),
  ]);
}

const header = ['suite', 'sign', 'verify', 'encrypt fields', 'decrypt fields', 'MACs (ID hash + webhook)', 'per message', 'content key: sealed to 2, opened once', '200 KB document enc+dec'];
console.log('\ncryptography per message (one referral: envelope signed and verified, its citizen fields encrypted and decrypted, two MACs)');
const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i]?.length ?? 0)));
for (const row of [header, ...rows]) console.log(row.map((cell, i) => cell.padEnd(widths[i] ?? 0)).join('  '));
