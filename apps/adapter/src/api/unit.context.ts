import { Inject, Injectable } from '@nestjs/common';
import type { UnitCode } from '#contracts';
import { adapterConfig, type AdapterSettings } from '#config';
import { UnitScope, type UnitStore } from '#persistence';

/** The unit this adapter acts for, and its repositories: the authenticated caller is always that unit's system. */
@Injectable()
export class UnitContext {
  readonly code: UnitCode;
  readonly store: UnitStore;

  constructor(@Inject(adapterConfig.KEY) settings: AdapterSettings, scope: UnitScope) {
    this.code = settings.agency;
    this.store = scope.for(settings.agency);
  }
}
