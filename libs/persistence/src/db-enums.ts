import type { HandoffKind, Priority, Step } from '#contracts';
import type { $Enums, Handoff as HandoffRow, HandoffStep as HandoffStepRow } from './generated/prisma/client.js';

// Prisma names an enum member with '_' where its database value (and the contracts' string) has
// '-': 'judicial_referral' is stored as 'judicial-referral'. These types and functions convert at
// the repositories' edge, and the assertions below fail to compile if either side drifts.

type Hyphenated<S extends string> = S extends `${infer A}_${infer B}` ? `${A}-${Hyphenated<B>}` : S;
type Underscored<S extends string> = S extends `${infer A}-${infer B}` ? `${A}_${Underscored<B>}` : S;
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;

const kindsAgree: Same<Hyphenated<$Enums.HandoffKind>, HandoffKind> = true;
const stepsAgree: Same<Hyphenated<$Enums.Step>, Step> = true;
const prioritiesAgree: Same<Hyphenated<$Enums.Priority>, Priority> = true;
void [kindsAgree, stepsAgree, prioritiesAgree];

/** A contracts value as Prisma's enum member. */
export function toDb<S extends string>(value: S): Underscored<S> {
  return value.replaceAll('-', '_') as Underscored<S>;
}

/** Prisma's enum member as the contracts' value. */
export function fromDb<S extends string>(value: S): Hyphenated<S> {
  return value.replaceAll('_', '-') as Hyphenated<S>;
}

/** A handoff row as the rest of the bus reads it: kinds, steps and priorities in the contracts' strings. */
export type Handoff = Omit<HandoffRow, 'kind' | 'currentStep' | 'priority'> & { kind: HandoffKind; currentStep: Step; priority: Priority };
export type HandoffStep = Omit<HandoffStepRow, 'step'> & { step: Step };

export function handoffFromDb<R extends HandoffRow>(row: R): Omit<R, 'kind' | 'currentStep' | 'priority'> & Handoff;
export function handoffFromDb<R extends Omit<HandoffRow, 'details'>>(row: R): Omit<R, 'kind' | 'currentStep' | 'priority'> & Omit<Handoff, 'details'>;
export function handoffFromDb<R extends Omit<HandoffRow, 'details'>>(row: R): Omit<R, 'kind' | 'currentStep' | 'priority'> & Omit<Handoff, 'details'> {
  return { ...row, kind: fromDb(row.kind), currentStep: fromDb(row.currentStep), priority: fromDb(row.priority) };
}

export function stepFromDb(row: HandoffStepRow): HandoffStep {
  return { ...row, step: fromDb(row.step) };
}
