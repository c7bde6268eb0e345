import type { PersonDto } from '#contracts';
import type { UnitDelivery, UnitSystemMapper } from '../unit-system.mapper.js';

/**
 * 民政局's assistance system names fields by pinyin initials (xm 姓名, sfzh 身份证号, lxdh 联系电话,
 * ajbh 案件编号, ywlx 业务类型). The canonical envelope rides along under `bus` for traceability.
 */
export class CivilAffairsMapper implements UnitSystemMapper {
  toUnitSystem({ envelope }: UnitDelivery): Record<string, unknown> {
    const person = (envelope.payload as { person?: PersonDto }).person;
    return {
      ywlx: envelope.type,
      xxid: envelope.id,
      ajbh: envelope.caseRef,
      yjid: envelope.handoffId,
      fsdw: envelope.from,
      ...(person ? { xm: person.name, sfzh: person.idNumber, lxdh: person.phone ?? null } : {}),
      bus: envelope,
    };
  }
}
