import { Injectable } from '@nestjs/common';
import type { ConsoleSession, ConsoleUser } from './generated/prisma/client.js';
import { PrismaService } from './prisma.service.js';

export type ConsoleRole = 'operator' | 'office' | 'unit';

/** Console accounts and their sessions (only token digests are stored). */
@Injectable()
export class ConsoleUserRepository {
  constructor(private readonly prisma: PrismaService) {}

  async findByUsername(username: string): Promise<ConsoleUser | null> {
    return this.prisma.consoleUser.findUnique({ where: { username } });
  }

  /** Creates or replaces an account (the CLI's `add`). */
  async save(user: { username: string; passwordHash: string; role: ConsoleRole; agency: string | null }): Promise<ConsoleUser> {
    return this.prisma.consoleUser.upsert({
      where: { username: user.username },
      create: { id: crypto.randomUUID(), ...user },
      update: user,
    });
  }

  async createSession(session: Omit<ConsoleSession, 'createdAt'>): Promise<void> {
    await this.prisma.consoleSession.create({ data: session });
  }

  /** The session's user while it has not expired; expired sessions are removed on sight. */
  async userOfSession(tokenHash: string, now: Date): Promise<ConsoleUser | null> {
    const session = await this.prisma.consoleSession.findUnique({ where: { tokenHash }, include: { user: true } });
    if (!session) return null;
    if (session.expiresAt <= now) {
      await this.prisma.consoleSession.deleteMany({ where: { tokenHash } });
      return null;
    }
    return session.user;
  }

  async endSession(tokenHash: string): Promise<void> {
    await this.prisma.consoleSession.deleteMany({ where: { tokenHash } });
  }
}
