import type { Prisma } from './generated/prisma/client.js';

/**
 * What a repository reads and writes through: the client, or the transaction a scope opened.
 * Internal to libs/persistence: apps get repositories from a scope, never a client.
 */
export type Db = Prisma.TransactionClient;

export function isUniqueViolation(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { code?: string }).code === 'P2002';
}

export function isUuid(value: string): boolean {
  return /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(value);
}

/** A scope's transactions: short, and never around a network call. */
export interface TransactionOptions {
  timeoutMs?: number;
}
