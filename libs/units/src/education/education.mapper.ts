import type { PersonDto } from '#contracts';
import type { UnitDelivery, UnitSystemMapper } from '../unit-system.mapper.js';

/** 教育局's student-aid system keys a person as `student` and a case as `referralNo`. */
export class EducationMapper implements UnitSystemMapper {
  toUnitSystem({ envelope }: UnitDelivery): Record<string, unknown> {
    const { person, ...rest } = envelope.payload as object as { person?: PersonDto } & Record<string, unknown>;
    const body: Record<string, unknown> = { ...envelope, referralNo: envelope.caseRef, payload: rest };
    if (person) body.student = { fullName: person.name, residentId: person.idNumber, contactPhone: person.phone ?? null };
    return body;
  }
}
