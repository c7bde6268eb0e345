import type { Db } from './db.js';
import type { ConsoleSession, ConsoleUser } from './generated/prisma/client.js';

export type ConsoleRole = 'operator' | 'office' | 'unit';

/** Console accounts and their sessions (only token digests are stored). */
export class ConsoleUserRepository {
  constructor(private readonly db: Db) {}

  async findByUsername(username: string): Promise<ConsoleUser | null> {
    return this.db.consoleUser.findUnique({ where: { username } });
  }

  /** Creates or replaces an account (the CLI's `add`). */
  async save(user: { username: string; passwordHash: string; role: ConsoleRole; agency: string | null }): Promise<ConsoleUser> {
    return this.db.consoleUser.upsert({
      where: { username: user.username },
      create: { id: crypto.randomUUID(), ...user },
      update: user,
    });
  }

  async createSession(session: Omit<ConsoleSession, 'createdAt'>): Promise<void> {
    await this.db.consoleSession.create({ data: session });
  }

  /** The session's user while it has not expired; expired sessions are removed on sight. */
  async userOfSession(tokenHash: string, now: Date): Promise<ConsoleUser | null> {
    const session = await this.db.consoleSession.findUnique({ where: { tokenHash }, include: { user: true } });
    if (!session) return null;
    if (session.expiresAt <= now) {
      await this.db.consoleSession.deleteMany({ where: { tokenHash } });
      return null;
    }
    return session.user;
  }

  async endSession(tokenHash: string): Promise<void> {
    await this.db.consoleSession.deleteMany({ where: { tokenHash } });
  }
}
