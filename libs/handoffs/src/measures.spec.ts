import { UNIT_CODES } from '#contracts';
import { articlesForMeasure, checkMeasure, MEASURE_KINDS, MEASURE_LABELS_ZH, MeasureRefusedError, measureKindsOf } from './measures.js';

describe('measures of the ledger (第二十五条 台账), from the duties of 第十条–第二十条', () => {
  it('gives every unit at least one measure, each with the article of its duty, and a Chinese name to every kind', () => {
    for (const unit of UNIT_CODES) {
      expect({ unit, kinds: measureKindsOf(unit).length > 0 }).toEqual({ unit, kinds: true });
      for (const kind of measureKindsOf(unit)) expect(articlesForMeasure(unit, kind)[0]).toMatch(/^第.+条/);
    }
    for (const kind of MEASURE_KINDS) expect(MEASURE_LABELS_ZH[kind]).toBeTruthy();
    expect(measureKindsOf('procuratorate')).toEqual(['judicial-assistance']);
    expect(articlesForMeasure('justice', 'legal-aid')).toEqual(['第十二条']);
    expect(articlesForMeasure('civil-affairs', 'orphaned-child')).toEqual(['第十一条第二款']);
  });

  const dates = { today: '2026-11-27', openedOn: '2026-11-20' };
  const refusal = (fn: () => void) => {
    try {
      fn();
    } catch (error) {
      return error instanceof MeasureRefusedError ? error.problems[0].field : error;
    }
    return null;
  };

  it('refuses another unit’s duty, money without an amount, instalments of nothing, and dates outside the handoff’s life', () => {
    expect(refusal(() => checkMeasure('education', { kind: 'legal-aid', status: 'granted', decidedOn: '2026-11-25' }, dates))).toBe('kind');
    expect(refusal(() => checkMeasure('procuratorate', { kind: 'judicial-assistance', status: 'granted', decidedOn: '2026-11-25' }, dates))).toBe('amountFen');
    expect(refusal(() => checkMeasure('procuratorate', { kind: 'judicial-assistance', status: 'refused', decidedOn: '2026-11-25' }, dates))).toBeNull();
    expect(refusal(() => checkMeasure('civil-affairs', { kind: 'temporary-assistance', status: 'granted', decidedOn: '2026-11-25', instalments: 2 }, dates))).toBe('instalments');
    expect(refusal(() => checkMeasure('civil-affairs', { kind: 'temporary-assistance', status: 'granted', decidedOn: '2026-11-28' }, dates))).toBe('decidedOn');
    expect(refusal(() => checkMeasure('civil-affairs', { kind: 'temporary-assistance', status: 'granted', decidedOn: '2026-11-19' }, dates))).toBe('decidedOn');
    expect(refusal(() => checkMeasure('civil-affairs', { kind: 'temporary-assistance', status: 'granted', decidedOn: '2026-11-20', amountFen: 200_000, instalments: 2 }, dates))).toBeNull();
  });
});
