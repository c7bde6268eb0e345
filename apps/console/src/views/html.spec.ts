import { html } from './html.js';

describe('html``', () => {
  it('escapes what it interpolates, and nests', () => {
    const name = '<script>alert(1)</script>';
    const row = html`<td>${name}</td>`;
    expect(html`<tr>${row}${[html`<td>${'a&b'}</td>`]}</tr>`.value).toBe(
      '<tr><td>&lt;script&gt;alert(1)&lt;/script&gt;</td><td>a&amp;b</td></tr>',
    );
  });
});
