import { Injectable } from '@nestjs/common';
import type { ApiKey } from './generated/prisma/client.js';
import { PrismaService } from './prisma.service.js';

export type { ApiKey };

/** API keys kept in the database (digests only); made, rotated and revoked by `npm run keys`. */
@Injectable()
export class ApiKeyRepository {
  constructor(private readonly prisma: PrismaService) {}

  /** The key with this SHA-256 (hex), whoever it belongs to, or null. */
  async findByHash(hash: string): Promise<ApiKey | null> {
    return this.prisma.apiKey.findUnique({ where: { hash } });
  }
}
