import { type CanActivate, type ExecutionContext, Inject, Injectable, UnauthorizedException } from '@nestjs/common';
import { createHash, timingSafeEqual } from 'node:crypto';
import type { Request } from 'express';

/** SHA-256 digests (hex) of the API keys an app accepts; each app provides it from its settings. */
export const API_KEY_DIGESTS = Symbol('API_KEY_DIGESTS');

/**
 * Each caller's system authenticates with its own API key (Authorization: Bearer <key>). Apps keep
 * only SHA-256 digests of the keys, and compare in constant time.
 */
@Injectable()
export class ApiKeyGuard implements CanActivate {
  private readonly digests: Buffer[];

  constructor(@Inject(API_KEY_DIGESTS) digests: readonly string[]) {
    this.digests = digests.map((hex) => Buffer.from(hex, 'hex'));
  }

  canActivate(context: ExecutionContext): boolean {
    const header = context.switchToHttp().getRequest<Request>().headers.authorization ?? '';
    const match = /^Bearer (\S+)$/.exec(header);
    if (!match) throw new UnauthorizedException('an API key is required: Authorization: Bearer <key>');
    const presented = createHash('sha256').update(match[1]).digest();
    if (!this.digests.some((digest) => timingSafeEqual(digest, presented))) {
      throw new UnauthorizedException('the API key is not valid here');
    }
    return true;
  }
}
