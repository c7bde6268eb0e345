import { createHash } from 'node:crypto';
import { canonicalJson } from './message-signature.js';

// The evidence log: append-only chains of audit records, one chain per writer (a
// unit's adapter, the console…). Each record carries the hash of the one before it in its chain;
// a signed checkpoint now and then fixes a chain's length and head, so removing its last records
// shows too. verifyChain names the first record that was changed, inserted or removed.

export const GENESIS_HASH = '0'.repeat(64);

/** What one audit record says: who, which unit, which handoff, when, what, why. */
export interface AuditFields {
  actor: string;
  agency: string;
  handoffId: string | null;
  action: string;
  reason: string;
}

export interface AuditEntry extends AuditFields {
  chain: string;
  seq: number;
  /** ISO time, milliseconds */
  at: string;
  prevHash: string;
}

export interface StoredAuditRecord extends AuditEntry {
  hash: string;
}

export interface StoredCheckpoint {
  chain: string;
  seq: number;
  hash: string;
  at: string;
  signature: string;
}

export function auditHash(entry: AuditEntry): string {
  const { chain, seq, at, actor, agency, handoffId, action, reason, prevHash } = entry;
  return createHash('sha256')
    .update(canonicalJson({ v: 'bus-audit-1', chain, seq, at: new Date(at).toISOString(), actor, agency, handoffId, action, reason, prevHash }), 'utf8')
    .digest('hex');
}

/** The bytes a checkpoint signs. */
export function checkpointPayload(checkpoint: Omit<StoredCheckpoint, 'signature'>): Buffer {
  return Buffer.from(canonicalJson({ v: 'bus-audit-checkpoint-1', chain: checkpoint.chain, seq: checkpoint.seq, hash: checkpoint.hash, at: new Date(checkpoint.at).toISOString() }), 'utf8');
}

export type ChainProblemKind = 'changed' | 'inserted' | 'removed' | 'checkpoint';

export interface ChainProblem {
  chain: string;
  seq: number;
  kind: ChainProblemKind;
  message: string;
}

/**
 * Checks one chain (records in seq order) against itself and its checkpoints; returns the first
 * problem, or null. `checkSignature` says whether a checkpoint's signature is its writer's.
 */
export function verifyChain(
  chain: string,
  records: readonly StoredAuditRecord[],
  checkpoints: readonly StoredCheckpoint[] = [],
  checkSignature: (checkpoint: StoredCheckpoint) => boolean = () => true,
): ChainProblem | null {
  const problems: ChainProblem[] = [];
  const bySeq = new Map(records.map((record) => [record.seq, record]));
  let expected = 1;
  let prevHash = GENESIS_HASH;
  for (let i = 0; i < records.length; i++) {
    const record = records[i];
    if (record.seq > expected) {
      problems.push({ chain, seq: expected, kind: 'removed', message: `record ${chain}#${expected}${record.seq - expected > 1 ? `–${record.seq - 1}` : ''} removed (the chain goes from #${expected - 1} to #${record.seq})` });
      break;
    }
    if (auditHash(record) !== record.hash) {
      problems.push({ chain, seq: record.seq, kind: 'changed', message: `record ${chain}#${record.seq} changed (its content does not give its hash)` });
      break;
    }
    if (record.prevHash !== prevHash) {
      // A consistent record that does not follow its predecessor: inserted, when a later record does follow it.
      const inserted = records.slice(i + 1).some((later) => later.prevHash === prevHash);
      problems.push(
        inserted
          ? { chain, seq: record.seq, kind: 'inserted', message: `record ${chain}#${record.seq} inserted (it does not follow #${record.seq - 1}; a later record does)` }
          : { chain, seq: Math.max(1, record.seq - 1), kind: 'changed', message: `record ${chain}#${record.seq - 1} changed or replaced (#${record.seq} does not follow it)` },
      );
      break;
    }
    prevHash = record.hash;
    expected = record.seq + 1;
  }
  for (const checkpoint of checkpoints) {
    if (!checkSignature(checkpoint)) {
      problems.push({ chain, seq: checkpoint.seq, kind: 'checkpoint', message: `checkpoint ${chain}#${checkpoint.seq} is not signed by its writer's key` });
      continue;
    }
    const record = bySeq.get(checkpoint.seq);
    if (!record) problems.push({ chain, seq: Math.min(expected, checkpoint.seq), kind: 'removed', message: `record ${chain}#${checkpoint.seq} removed (a signed checkpoint names it; the chain ends at #${expected - 1})` });
    else if (record.hash !== checkpoint.hash) problems.push({ chain, seq: checkpoint.seq, kind: 'changed', message: `record ${chain}#${checkpoint.seq} or one before it changed (the signed checkpoint holds another hash)` });
  }
  problems.sort((a, b) => a.seq - b.seq);
  return problems[0] ?? null;
}
