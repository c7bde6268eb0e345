import { NEEDS } from '#contracts';
import { MaterialsMissingError, NeedsNotStatedError, RecipientNotRoutedError } from './handoff.errors.js';
import { missingMaterials } from './materials.js';
import { openHandoffs } from './handoff.js';
import { NEED_RULES, proposeRecipients } from './need-routing.js';

const units = (request: Parameters<typeof proposeRecipients>[0]) => proposeRecipients(request).map((r) => [r.unit, r.articles]);

describe('routing by need (第十条–第十八条): the rules as data, a case per article', () => {
  it('第十条: education help, student aid and dropouts brought back → education', () => {
    expect(units({ needs: ['education-support'] })).toEqual([['education', ['第十条第一款']]]);
    expect(units({ needs: ['student-aid', 'dropout-return'] })).toEqual([['education', ['第十条第二款']]]);
  });

  it('第十条 ¶2 and 第十一条 ¶2: a child orphaned or left without carers by the case → education and civil affairs', () => {
    expect(units({ needs: ['orphaned-child'] })).toEqual([
      ['education', ['第十条第二款']],
      ['civil-affairs', ['第十一条第二款']],
    ]);
  });

  it('第十一条 ¶1: 低保/特困/低保边缘 and temporary assistance → civil affairs', () => {
    expect(units({ needs: ['living-allowance', 'temporary-assistance'] })).toEqual([['civil-affairs', ['第十一条第一款']]]);
  });

  it('第十二条: legal aid → justice', () => {
    expect(units({ needs: ['legal-aid'] })).toEqual([['justice', ['第十二条']]]);
  });

  it('第十三条: employment services and vocational training → hrss', () => {
    expect(units({ needs: ['employment-services', 'vocational-training'] })).toEqual([['hrss', ['第十三条']]]);
  });

  it('第十四条: a rural household at risk of poverty, as a need or as 第五条’s group → agriculture', () => {
    expect(units({ needs: ['rural-poverty-risk'] })).toEqual([['agriculture', ['第十四条']]]);
    expect(units({ needs: ['legal-aid'], priorityGroups: ['poverty-risk-household'] })).toEqual([
      ['justice', ['第十二条']],
      ['agriculture', ['第十四条']],
    ]);
  });

  it('第十五条: medical assistance → medical security (¶1); access to care → health (¶2)', () => {
    expect(units({ needs: ['medical-assistance', 'care-access'] })).toEqual([
      ['medical-security', ['第十五条第一款']],
      ['health', ['第十五条第二款']],
    ]);
  });

  it('第十六条: veterans and entitled groups, as a need or as 第五条’s group → veterans', () => {
    expect(units({ needs: ['veteran-support'] })).toEqual([['veterans', ['第十六条']]]);
    expect(units({ needs: ['legal-aid'], priorityGroups: ['veteran'] })).toEqual([
      ['justice', ['第十二条']],
      ['veterans', ['第十六条']],
    ]);
  });

  it('第十七条: counselling, legal help, family-education and employment guidance for minors, women and elders → the three organisations; nobody else', () => {
    const article17 = [
      ['youth-league', ['第十七条第一款']],
      ['womens-federation', ['第十七条第一款']],
      ['next-generation', ['第十七条第一款']],
    ];
    expect(units({ needs: ['psychological-counselling'], priorityGroups: ['minor'] })).toEqual(article17);
    expect(units({ needs: ['family-education-guidance'], priorityGroups: ['woman'] })).toEqual(article17);
    expect(units({ needs: ['employment-guidance'], elder: true })).toEqual(article17);
    expect(units({ needs: ['legal-help', 'psychological-counselling'] })).toEqual([]); // an adult man: not 第十七条's
    expect(units({ needs: ['minor-in-distress'], priorityGroups: ['minor'] }).map(([, articles]) => articles)).toEqual([
      ['第十七条第二款'],
      ['第十七条第二款'],
      ['第十七条第二款'],
    ]);
    expect(units({ needs: ['minor-in-distress'], priorityGroups: ['woman'] })).toEqual([]);
  });

  it('第十八条: jobs for certified disabled people (¶1) and the 0–6 rehabilitation subsidy (¶2) are separate needs → the disabled persons’ federation', () => {
    expect(units({ needs: ['disability-employment'] })).toEqual([['disabled-federation', ['第十八条第一款']]]);
    expect(units({ needs: ['child-rehabilitation'] })).toEqual([['disabled-federation', ['第十八条第二款']]]);
  });

  it('gives every need a rule, and one case with several needs goes to several units', () => {
    expect(NEEDS.filter((need) => !NEED_RULES.some((rule) => rule.need === need))).toEqual([]);
    expect(proposeRecipients({ needs: ['student-aid', 'living-allowance'] }).map((r) => r.unit)).toEqual(['education', 'civil-affairs']);
  });
});

describe('a referral records its needs, and goes where they point (第十条–第十八条)', () => {
  const context = () => {
    let n = 0;
    return { now: new Date('2026-11-27T02:00:00Z'), newId: () => `00000000-0000-4000-8000-${String(++n).padStart(12, '0')}` };
  };
  const content = (extra: object) =>
    ({ person: { name: '林某某', idNumber: '11010519491231002X' }, situation: 'serious-injury-victim', investigationEndedOn: '2026-11-20', findings: 'f', suggestion: 's', applicantStatement: 'a', caseMaterials: [{ title: 't' }], ...extra }) as never;
  const open = (requested: string[], extra: object) =>
    openHandoffs({ kind: 'judicial-referral', sender: 'procuratorate', caseRef: 'c', requested: requested as never, priorityGroups: [], content: content(extra) }, context());

  it('refuses a referral that states no need (a command built in code, past the DTO)', () => {
    expect(() => open(['civil-affairs'], {})).toThrow(NeedsNotStatedError);
    expect(() => open(['civil-affairs'], { needs: [] })).toThrow(NeedsNotStatedError);
  });

  it('refuses a recipient no stated need points to, and accepts it with a reason', () => {
    expect(() => open(['civil-affairs', 'hrss'], { needs: ['living-allowance'] })).toThrow(RecipientNotRoutedError);
    expect(() => open(['civil-affairs', 'hrss'], { needs: ['living-allowance'] })).toThrow(/hrss/);
    const opened = open(['civil-affairs', 'hrss'], { needs: ['living-allowance'], recipientReasons: [{ unit: 'hrss', reason: '当事人主动申请就业帮扶' }] });
    expect(opened.opened.map((h) => h.state.to)).toEqual(['civil-affairs', 'hrss']);
    // The needs travel with the referral and are stored with each handoff.
    expect(opened.opened[0].details).toMatchObject({ needs: ['living-allowance'] });
  });

  it('accepts the recipients the needs point to', () => {
    expect(open(['education', 'civil-affairs'], { needs: ['orphaned-child'] }).opened).toHaveLength(2);
  });
});

describe('the materials checklist of each handoff type (第九条, 第十九条, 第二十条)', () => {
  const context = () => ({ now: new Date('2026-11-27T02:00:00Z'), newId: () => crypto.randomUUID() });
  const complete = {
    person: { name: '林某某', idNumber: '11010519491231002X' },
    situation: 'serious-injury-victim',
    investigationEndedOn: '2026-11-20',
    needs: ['living-allowance'],
    findings: '调查核实情况',
    suggestion: '建议给予临时救助',
    applicantStatement: '情况说明',
    caseMaterials: [{ title: '国家司法救助审批表' }],
  };
  const open = (content: object) =>
    openHandoffs({ kind: 'judicial-referral', sender: 'procuratorate', caseRef: 'c', requested: ['civil-affairs'], priorityGroups: [], content: content as never }, context());

  it('第九条: a written referral without the applicant’s statement or the case materials is refused, listing every missing item', () => {
    const { applicantStatement: _statement, ...withoutStatement } = complete;
    void _statement;
    let refusal: unknown;
    try {
      open({ ...withoutStatement, caseMaterials: [] });
    } catch (error) {
      refusal = error;
    }
    expect(refusal).toBeInstanceOf(MaterialsMissingError);
    expect((refusal as MaterialsMissingError).problems).toEqual([
      { field: 'applicantStatement', message: '缺少材料：救助申请人情况说明（第九条）' },
      { field: 'caseMaterials', message: '缺少材料：国家司法救助案件材料（第九条）' },
    ]);
    expect(open(complete).opened).toHaveLength(1);
  });

  it('lists each type’s checklist: 第十九条 ¶1 findings and suggestion, ¶2 the reason; 第二十条 the lead, the hospital and condition', () => {
    expect(missingMaterials('judicial-referral', {}).map((m) => m.field)).toEqual(['findings', 'suggestion', 'applicantStatement', 'caseMaterials']);
    expect(missingMaterials('advance-referral', {}).map((m) => m.field)).toEqual(['reason', 'suggestion', 'applicantStatement', 'caseMaterials']);
    expect(missingMaterials('social-lead', { summary: '  ' }).map((m) => m.field)).toEqual(['summary']);
    expect(missingMaterials('urgent-medical-notice', { hospital: '晋江市医院', condition: '颅脑损伤' })).toEqual([]);
  });
});
