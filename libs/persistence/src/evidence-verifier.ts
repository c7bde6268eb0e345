import { type ChainProblem, checkpointPayload, type SigningKeyRegistry, type StoredAuditRecord, verifyBytes, verifyChain } from '#security';
import { AuditLogReader } from './audit.repository.js';

export interface EvidenceReport {
  chains: { chain: string; records: number; checkpoints: number; problem: ChainProblem | null }[];
  /** the first problem of any chain, or null when every chain is whole */
  problem: ChainProblem | null;
}

/**
 * Checks every chain of the evidence log (`npm run audit:verify`): each record's hash, each link,
 * no gap, and every checkpoint signed by its writer's key (from the registry; without one,
 * checkpoints are compared but their signatures not checked).
 */
export async function verifyEvidence(databaseUrl: string, registry: SigningKeyRegistry | null): Promise<EvidenceReport> {
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
      const problem = verifyChain(chain, records, checkpoints, (checkpoint) =>
        registry ? verifyBytes(registry, chain, checkpointPayload(checkpoint), checkpoint.signature) : true,
      );
      report.chains.push({ chain, records: records.length, checkpoints: checkpoints.length, problem });
      if (problem && !report.problem) report.problem = problem;
    }
    return report;
  } finally {
    await prisma.$disconnect();
  }
}
