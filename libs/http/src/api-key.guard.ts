import { type CanActivate, type ExecutionContext, Inject, Injectable, UnauthorizedException } from '@nestjs/common';
import { createHash, timingSafeEqual } from 'node:crypto';
import type { Request } from 'express';

/** A stored API key as the guard judges it: whose it is, and whether it still holds. */
export interface ApiKeyRecord {
  id: string;
  agency: string;
  revokedAt: Date | null;
  expiresAt: Date | null;
}

/** Where the guard finds a key by its SHA-256 (hex); the app binds its store's key table to it. */
export abstract class ApiKeyLookup {
  abstract findByHash(hash: string): Promise<ApiKeyRecord | null>;
}

/** SHA-256 digests (hex) of the boot-time API keys an app accepts; each app provides it from its settings. */
export const API_KEY_DIGESTS = Symbol('API_KEY_DIGESTS');

/** Whose keys the app accepts from the ApiKey table: the adapter's unit code, or "office" for the scheduler. */
export const API_KEY_OWNER = Symbol('API_KEY_OWNER');

/**
 * How long a key's row is trusted without reading it again. Revocation must bite on the next
 * request (第二十四条), so this stays about one second: one indexed read per key per second.
 */
export const API_KEY_CACHE_MS = 1_000;
const CACHE_LIMIT = 1_000;

/**
 * Each caller's system authenticates with its own API key (Authorization: Bearer <key>). Keys are
 * looked up by SHA-256 in the ApiKey table (rotated with an overlap, revoked at once by
 * `npm run keys`); the digests given at boot (API_KEY_SHA256) are the fallback for compatibility. A
 * row for a digest decides even over the boot-time list, so a boot-time key can be revoked too.
 */
@Injectable()
export class ApiKeyGuard implements CanActivate {
  private readonly digests: Buffer[];
  private readonly cache = new Map<string, { row: ApiKeyRecord | null; readAt: number }>();

  constructor(
    @Inject(API_KEY_DIGESTS) digests: readonly string[],
    @Inject(API_KEY_OWNER) private readonly owner: string,
    private readonly keys: ApiKeyLookup,
  ) {
    this.digests = digests.map((hex) => Buffer.from(hex, 'hex'));
  }

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const header = context.switchToHttp().getRequest<Request>().headers.authorization ?? '';
    const match = /^Bearer (\S{1,512})$/.exec(header);
    if (!match) throw new UnauthorizedException('an API key is required: Authorization: Bearer <key>');
    const presented = createHash('sha256').update(match[1]).digest();
    const row = await this.row(presented.toString('hex'));
    const now = Date.now();
    const valid = row
      ? row.agency === this.owner && !row.revokedAt && (!row.expiresAt || row.expiresAt.getTime() > now)
      : this.digests.some((digest) => timingSafeEqual(digest, presented));
    if (!valid) throw new UnauthorizedException('the API key is not valid here');
    // Who, for the evidence log: the key's id, never the key.
    (context.switchToHttp().getRequest<Request>() as Request & { apiKeyRef?: string }).apiKeyRef = row ? `API key ${row.id.slice(0, 8)}` : `boot API key ${presented.toString('hex').slice(0, 8)}`;
    return true;
  }

  private async row(hash: string): Promise<ApiKeyRecord | null> {
    const now = Date.now();
    const cached = this.cache.get(hash);
    if (cached && now - cached.readAt < API_KEY_CACHE_MS) return cached.row;
    const row = await this.keys.findByHash(hash);
    if (this.cache.size >= CACHE_LIMIT) this.cache.clear(); // random keys from a scanner must not grow it
    this.cache.set(hash, { row, readAt: now });
    return row;
  }
}
