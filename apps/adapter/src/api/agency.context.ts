import { Inject, Injectable } from '@nestjs/common';
import type { AgencyCode } from '#contracts';
import { adapterConfig, type AdapterSettings } from '#config';
import { AgencyScope, type UnitStore } from '#persistence';

/** The unit this adapter acts for, and its repositories: the authenticated caller is always that unit's system. */
@Injectable()
export class AgencyContext {
  readonly code: AgencyCode;
  readonly store: UnitStore;

  constructor(@Inject(adapterConfig.KEY) settings: AdapterSettings, scope: AgencyScope) {
    this.code = settings.agency;
    this.store = scope.for(settings.agency);
  }
}
