import { type CanActivate, type ExecutionContext, Injectable, UnauthorizedException } from '@nestjs/common';
import type { IncomingMessage } from 'node:http';
import { type VerifiedWebhook, type VerifyOptions, verifyWebhook } from './webhook.js';

/**
 * For a unit's system written with NestJS: `@UseGuards(new BusWebhookGuard(secret))` on the
 * controller that receives the bus's webhooks. Needs the raw body: `NestFactory.create(AppModule, { rawBody: true })`.
 * The verified delivery is left on `req.busWebhook`.
 */
@Injectable()
export class BusWebhookGuard implements CanActivate {
  constructor(
    private readonly secret: string,
    private readonly options: VerifyOptions = {},
  ) {}

  canActivate(context: ExecutionContext): boolean {
    const req = context.switchToHttp().getRequest<IncomingMessage & { rawBody?: Buffer; busWebhook?: VerifiedWebhook }>();
    if (!Buffer.isBuffer(req.rawBody)) throw new UnauthorizedException('no raw body: create the Nest app with { rawBody: true }');
    const result = verifyWebhook(req.rawBody, req.headers, this.secret, this.options);
    if (!result.valid) throw new UnauthorizedException(result.reason);
    req.busWebhook = { messageId: result.messageId, type: result.type, body: result.body };
    return true;
  }
}
