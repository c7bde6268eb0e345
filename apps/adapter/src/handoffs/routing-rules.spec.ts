import { priorityOf, recipientsFor } from './routing-rules.js';

describe('who may open which handoff', () => {
  it('lets the procuratorate refer one case to several social units at once (第十九条)', () => {
    expect(recipientsFor('judicial-referral', 'procuratorate', ['civil-affairs', 'education'])).toEqual(['civil-affairs', 'education']);
  });

  it('refuses a referral from a department, or addressed to the procuratorate', () => {
    expect(() => recipientsFor('judicial-referral', 'education', ['civil-affairs'])).toThrow(/only the procuratorate/);
    expect(() => recipientsFor('advance-referral', 'procuratorate', ['procuratorate'])).toThrow(/not to the procuratorate/);
  });

  it('sends leads and urgent notices from a department to the procuratorate (第二十条)', () => {
    expect(recipientsFor('social-lead', 'civil-affairs', undefined)).toEqual(['procuratorate']);
    expect(() => recipientsFor('urgent-medical-notice', 'procuratorate', undefined)).toThrow(/第二十条/);
  });

  it('puts urgent notices first and priority groups in the green channel', () => {
    expect(priorityOf('urgent-medical-notice', [])).toBe('urgent');
    expect(priorityOf('judicial-referral', ['minor'])).toBe('green-channel');
    expect(priorityOf('social-lead', undefined)).toBe('normal');
  });
});
