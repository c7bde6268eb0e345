import { Injectable } from '@nestjs/common';
import type { AgencyCode } from '#contracts';
import type { RosterEntry } from './generated/prisma/client.js';
import { PrismaService } from './prisma.service.js';
import { AlertRepository, type NewAlert } from './alert.repository.js';

export type RosterPeople = Omit<RosterEntry, 'agency' | 'updatedAt'>;

/** 第二十二条: each unit's leader and liaison. */
@Injectable()
export class RosterRepository {
  constructor(
    private readonly prisma: PrismaService,
    private readonly alerts: AlertRepository,
  ) {}

  async find(agency: AgencyCode, tx: Pick<PrismaService, 'rosterEntry'> = this.prisma): Promise<RosterEntry | null> {
    return tx.rosterEntry.findUnique({ where: { agency } });
  }

  async forAgencies(tx: Pick<PrismaService, 'rosterEntry'>, agencies: readonly AgencyCode[]): Promise<Map<string, RosterEntry>> {
    const entries = await tx.rosterEntry.findMany({ where: { agency: { in: [...agencies] } } });
    return new Map(entries.map((entry) => [entry.agency, entry]));
  }

  async list(): Promise<RosterEntry[]> {
    return this.prisma.rosterEntry.findMany({ orderBy: { agency: 'asc' } });
  }

  /**
   * 第二十二条: a change of people is itself a message to the office — the entry and the office's
   * alert are written in one transaction (the scheduler's alert relay sends it on).
   */
  async saveAndNotify(agency: AgencyCode, people: RosterPeople, notice: (entry: RosterEntry) => NewAlert): Promise<RosterEntry> {
    return this.prisma.$transaction(async (tx) => {
      const entry = await tx.rosterEntry.upsert({ where: { agency }, create: { agency, ...people }, update: people });
      await this.alerts.create(tx, notice(entry));
      return entry;
    });
  }
}
