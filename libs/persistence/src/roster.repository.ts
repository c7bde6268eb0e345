import { Injectable } from '@nestjs/common';
import type { AgencyCode } from '#contracts';
import type { RosterEntry } from './generated/prisma/client.js';
import { PrismaService } from './prisma.service.js';
import type { Tx } from './transaction.js';

export type RosterPeople = Omit<RosterEntry, 'agency' | 'updatedAt'>;

/** 第二十二条: each unit's leader and liaison. */
@Injectable()
export class RosterRepository {
  constructor(private readonly prisma: PrismaService) {}

  async find(agency: AgencyCode, tx: Tx = this.prisma): Promise<RosterEntry | null> {
    return tx.rosterEntry.findUnique({ where: { agency } });
  }

  async list(): Promise<RosterEntry[]> {
    return this.prisma.rosterEntry.findMany({ orderBy: { agency: 'asc' } });
  }

  async save(tx: Tx, agency: AgencyCode, people: RosterPeople): Promise<RosterEntry> {
    return tx.rosterEntry.upsert({ where: { agency }, create: { agency, ...people }, update: people });
  }
}
