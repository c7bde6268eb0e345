import { type CanActivate, type ExecutionContext, Inject, Injectable, UnauthorizedException } from '@nestjs/common';
import { createHash, timingSafeEqual } from 'node:crypto';
import type { Request } from 'express';
import { adapterConfig, type AdapterSettings } from '#config';

/**
 * Each unit's system authenticates with its own API key (Authorization: Bearer <key>). The
 * adapter keeps only SHA-256 digests of the keys, and compares in constant time.
 */
@Injectable()
export class ApiKeyGuard implements CanActivate {
  private readonly digests: Buffer[];

  constructor(@Inject(adapterConfig.KEY) settings: AdapterSettings) {
    this.digests = settings.apiKeySha256.map((hex) => Buffer.from(hex, 'hex'));
  }

  canActivate(context: ExecutionContext): boolean {
    const header = context.switchToHttp().getRequest<Request>().headers.authorization ?? '';
    const match = /^Bearer (\S+)$/.exec(header);
    if (!match) throw new UnauthorizedException('an API key is required: Authorization: Bearer <key>');
    const presented = createHash('sha256').update(match[1]).digest();
    if (!this.digests.some((digest) => timingSafeEqual(digest, presented))) {
      throw new UnauthorizedException('the API key is not valid for this unit');
    }
    return true;
  }
}
