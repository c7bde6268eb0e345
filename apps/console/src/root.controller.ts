import { ApiExcludeController } from '@nestjs/swagger';
import { Controller, Get, Redirect } from '@nestjs/common';

// A server-rendered page: not part of the console's machine-readable API.
@ApiExcludeController()
@Controller()
export class RootController {
  @Get()
  @Redirect('/handoffs', 302)
  home(): void {}
}
