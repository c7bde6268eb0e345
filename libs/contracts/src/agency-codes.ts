/** The 13 member units (成员单位) of the joint meeting; codes are frozen, they are stored and routed on. */
export const AGENCY_CODES = [
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
export type AgencyCode = (typeof AGENCY_CODES)[number];

/** The hub of national judicial assistance (第九条); every other unit runs social assistance. */
export const JUDICIAL_HUB: AgencyCode = 'procuratorate';

export function isAgencyCode(value: unknown): value is AgencyCode {
  return typeof value === 'string' && (AGENCY_CODES as readonly string[]).includes(value);
}
