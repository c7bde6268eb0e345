import { type UnitCode, type AnyEnvelope, isUnitCode } from '#contracts';
import { projectEnvelope } from './projections/project-payload.js';
import { CivilAffairsMapper } from './civil-affairs/civil-affairs.mapper.js';
import { EducationMapper } from './education/education.mapper.js';
import { CanonicalMapper, type UnitSystemMapper } from './unit-system.mapper.js';

/** How a unit's own system takes what the bus delivers: we POST to it, or it pulls from its inbox. */
export type DeliveryMode = 'webhook' | 'pull';

export interface UnitDefinition {
  code: UnitCode;
  nameZh: string;
  nameEn: string;
  /** the article of the policy that sets the unit's duty (which need goes where: libs/handoffs need-routing.ts) */
  article: string;
  defaultDeliveryMode: DeliveryMode;
  /** the adapter's HTTP port when run locally; one per unit */
  defaultPort: number;
  mapper: UnitSystemMapper;
}

const canonical = new CanonicalMapper();

export const UNITS: Readonly<Record<UnitCode, UnitDefinition>> = {
  procuratorate: { code: 'procuratorate', nameZh: '晋江市人民检察院', nameEn: 'Jinjiang People’s Procuratorate', article: '第九条', defaultDeliveryMode: 'webhook', defaultPort: 3101, mapper: canonical },
  education: { code: 'education', nameZh: '晋江市教育局', nameEn: 'Education Bureau', article: '第十条', defaultDeliveryMode: 'pull', defaultPort: 3102, mapper: new EducationMapper() },
  'civil-affairs': { code: 'civil-affairs', nameZh: '晋江市民政局', nameEn: 'Civil Affairs Bureau', article: '第十一条', defaultDeliveryMode: 'webhook', defaultPort: 3103, mapper: new CivilAffairsMapper() },
  justice: { code: 'justice', nameZh: '晋江市司法局', nameEn: 'Justice Bureau', article: '第十二条', defaultDeliveryMode: 'pull', defaultPort: 3104, mapper: canonical },
  hrss: { code: 'hrss', nameZh: '晋江市人力资源和社会保障局', nameEn: 'Human Resources and Social Security Bureau', article: '第十三条', defaultDeliveryMode: 'pull', defaultPort: 3105, mapper: canonical },
  agriculture: { code: 'agriculture', nameZh: '晋江市农业农村局', nameEn: 'Agriculture and Rural Affairs Bureau', article: '第十四条', defaultDeliveryMode: 'pull', defaultPort: 3106, mapper: canonical },
  'medical-security': { code: 'medical-security', nameZh: '泉州市医疗保障局晋江分局', nameEn: 'Medical Security Bureau, Jinjiang Branch', article: '第十五条第一款', defaultDeliveryMode: 'pull', defaultPort: 3107, mapper: canonical },
  health: { code: 'health', nameZh: '晋江市卫生健康局', nameEn: 'Health Commission', article: '第十五条第二款', defaultDeliveryMode: 'pull', defaultPort: 3108, mapper: canonical },
  veterans: { code: 'veterans', nameZh: '晋江市退役军人事务局', nameEn: 'Veterans Affairs Bureau', article: '第十六条', defaultDeliveryMode: 'pull', defaultPort: 3109, mapper: canonical },
  'youth-league': { code: 'youth-league', nameZh: '共青团晋江市委', nameEn: 'Communist Youth League, Jinjiang Committee', article: '第十七条', defaultDeliveryMode: 'pull', defaultPort: 3110, mapper: canonical },
  'womens-federation': { code: 'womens-federation', nameZh: '晋江市妇女联合会', nameEn: 'Women’s Federation', article: '第十七条', defaultDeliveryMode: 'pull', defaultPort: 3111, mapper: canonical },
  'next-generation': { code: 'next-generation', nameZh: '晋江市关心下一代工作委员会', nameEn: 'Committee for the Well-being of the Next Generation', article: '第十七条', defaultDeliveryMode: 'pull', defaultPort: 3112, mapper: canonical },
  'disabled-federation': { code: 'disabled-federation', nameZh: '晋江市残疾人联合会', nameEn: 'Disabled Persons’ Federation', article: '第十八条', defaultDeliveryMode: 'pull', defaultPort: 3113, mapper: canonical },
};

export function unitDefinition(code: UnitCode): UnitDefinition {
  return UNITS[code];
}

/** A unit's Chinese name, as alerts and pages show it; a code no unit has is shown as it is, none as ''. */
export function unitName(code: string | null | undefined): string {
  if (!code) return '';
  return isUnitCode(code) ? UNITS[code].nameZh : code;
}

/**
 * The body a unit's own system receives for a message addressed to it (webhook or `GET /inbox`):
 * the envelope through the unit's projection (第二十四条), then the unit's mapper. Every delivery
 * path goes through here, so a mapper never sees more than the projection.
 */
export function unitSystemBody(code: UnitCode, envelope: AnyEnvelope): Record<string, unknown> {
  if (envelope.to !== code) throw new Error(`message ${envelope.id} is for ${envelope.to}, not ${code}`);
  return UNITS[code].mapper.toUnitSystem({ envelope: projectEnvelope(envelope) });
}
