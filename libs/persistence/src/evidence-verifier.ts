import { type ChainProblem, checkpointPayload, type SigningKeyRegistry, type StoredAuditRecord, type StoredCheckpoint, verifyBytes, verifyChain } from '#security';
import { AuditLogReader } from './audit.repository.js';

/**
 * The records after a chain's last valid signed checkpoint: nothing vouches for them, so had any of
 * them been removed from the end, nothing would show. Bounded by the writer's checkpoints (every 50
 * records, and every AUDIT_CHECKPOINT_INTERVAL_MS while records arrive); a tail much older than that
 * means the writer stopped before signing (or its signing failed): look at it.
 */
export interface UnsignedTail {
  count: number;
  firstSeq: number;
  lastSeq: number;
  /** the time of its oldest record, and how long before the verification that was */
  oldestAt: string;
  ageMs: number;
}

export interface EvidenceReport {
  chains: { chain: string; records: number; checkpoints: number; problem: ChainProblem | null; unsigned: UnsignedTail | null }[];
  /** the first problem of any chain, or null when every chain is whole */
  problem: ChainProblem | null;
}

/**
 * Checks every chain of the evidence log (`npm run audit:verify`): each record's hash, each link,
 * no gap, and every checkpoint signed by its writer's key (from the registry; without one,
 * checkpoints are compared but their signatures not checked).
 */
export async function verifyEvidence(databaseUrl: string, registry: SigningKeyRegistry | null, now: Date = new Date()): Promise<EvidenceReport> {
  const { PrismaService } = await import('./prisma.service.js');
  const prisma = new PrismaService(databaseUrl);
  try {
    const reader = new AuditLogReader(prisma);
    const chains = new Set([...(await reader.chains()), ...(await prisma.auditCheckpoint.findMany({ distinct: ['chain'], select: { chain: true } })).map((row) => row.chain)]);
    const report: EvidenceReport = { chains: [], problem: null };
    for (const chain of [...chains].sort()) {
      const records: StoredAuditRecord[] = [];
      for (let page = await reader.page(chain, 0, 5000); page.length > 0; page = await reader.page(chain, records.at(-1)?.seq ?? 0, 5000)) records.push(...page);
      const checkpoints = await reader.checkpoints(chain);
      const signedBy = (checkpoint: StoredCheckpoint) => (registry ? verifyBytes(registry, chain, checkpointPayload(checkpoint), checkpoint.signature) : true);
      const problem = verifyChain(chain, records, checkpoints, signedBy);
      report.chains.push({ chain, records: records.length, checkpoints: checkpoints.length, problem, unsigned: unsignedTail(records, checkpoints.filter(signedBy), now) });
      if (problem && !report.problem) report.problem = problem;
    }
    return report;
  } finally {
    await prisma.$disconnect();
  }
}

/** The records after the last of `checkpoints` that matches its record (records in seq order). */
export function unsignedTail(records: readonly StoredAuditRecord[], checkpoints: readonly StoredCheckpoint[], now: Date): UnsignedTail | null {
  const bySeq = new Map(records.map((record) => [record.seq, record.hash]));
  const vouched = Math.max(0, ...checkpoints.filter((checkpoint) => bySeq.get(checkpoint.seq) === checkpoint.hash).map((checkpoint) => checkpoint.seq));
  const tail = records.filter((record) => record.seq > vouched);
  if (tail.length === 0) return null;
  const oldestAt = tail[0].at;
  return { count: tail.length, firstSeq: tail[0].seq, lastSeq: tail[tail.length - 1].seq, oldestAt, ageMs: Math.max(0, now.getTime() - new Date(oldestAt).getTime()) };
}
