import type { UnitCode } from '#contracts';
import type { Db } from './db.js';
import type { RosterEntry } from './generated/prisma/client.js';

export type RosterPeople = Omit<RosterEntry, 'agency' | 'updatedAt'>;

/** 第二十二条: each unit's leader and liaison. */
export class RosterRepository {
  constructor(private readonly db: Db) {}

  async find(agency: UnitCode): Promise<RosterEntry | null> {
    return this.db.rosterEntry.findUnique({ where: { agency } });
  }

  async forUnits(units: readonly UnitCode[]): Promise<Map<string, RosterEntry>> {
    const entries = await this.db.rosterEntry.findMany({ where: { agency: { in: [...units] } } });
    return new Map(entries.map((entry) => [entry.agency, entry]));
  }

  async list(): Promise<RosterEntry[]> {
    return this.db.rosterEntry.findMany({ orderBy: { agency: 'asc' } });
  }

  async save(agency: UnitCode, people: RosterPeople): Promise<RosterEntry> {
    return this.db.rosterEntry.upsert({ where: { agency }, create: { agency, ...people }, update: people });
  }
}
