import { Inject, Injectable } from '@nestjs/common';
import type { AgencyCode } from '#contracts';
import { adapterConfig, type AdapterSettings } from '#config';

/** The unit this adapter acts for: the authenticated caller is always that unit's system. */
@Injectable()
export class AgencyContext {
  readonly code: AgencyCode;

  constructor(@Inject(adapterConfig.KEY) settings: AdapterSettings) {
    this.code = settings.agency;
  }
}
