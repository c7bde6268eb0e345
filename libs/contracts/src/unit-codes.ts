/** The 13 member units (成员单位) of the joint meeting; codes are frozen, they are stored and routed on. */
export const UNIT_CODES = [
  'procuratorate',
  'education',
  'civil-affairs',
  'justice',
  'hrss',
  'agriculture',
  'medical-security',
  'health',
  'veterans',
  'youth-league',
  'womens-federation',
  'next-generation',
  'disabled-federation',
] as const;
export type UnitCode = (typeof UNIT_CODES)[number];

/** The hub of national judicial assistance (第九条); every other unit runs social assistance. */
export const JUDICIAL_HUB: UnitCode = 'procuratorate';

export function isUnitCode(value: unknown): value is UnitCode {
  return typeof value === 'string' && (UNIT_CODES as readonly string[]).includes(value);
}
