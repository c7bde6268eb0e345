import type { Prisma } from './generated/prisma/client.js';

/** The client handed to a callback of prisma.$transaction: repositories write through it. */
export type Tx = Prisma.TransactionClient;

export function isUniqueViolation(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { code?: string }).code === 'P2002';
}
