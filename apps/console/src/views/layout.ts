import { unitName } from '#units';
import type { SignedInUser } from '../auth/console-user.js';
import { csrfInput } from '../auth/csrf.js';
import { html, SafeHtml } from './html.js';

const raw = (css: string) => new SafeHtml(css);
import { ROLE_LABEL } from './labels.js';
import { WEB_FONT_PATH } from './web-font.js';

const STYLE = `
  body { font-family: "Noto Sans SC", "Noto Sans CJK SC", "Microsoft YaHei", sans-serif; margin: 0; color: #1f2933; background: #f5f7fa; }
  button, input, select, textarea { font-family: inherit; }
  header { background: #8b1a1a; color: #fff; padding: 10px 24px; display: flex; align-items: center; gap: 24px; }
  header h1 { font-size: 18px; margin: 0; }
  header nav a { color: #fff; margin-right: 16px; text-decoration: none; }
  header .who { margin-left: auto; font-size: 14px; }
  header form { display: inline; }
  main { padding: 16px 24px; }
  table { border-collapse: collapse; width: 100%; background: #fff; font-size: 14px; }
  th, td { border: 1px solid #d9dee4; padding: 6px 8px; text-align: left; vertical-align: top; }
  th { background: #eef1f5; }
  tr.overdue td { background: #fdecea; }
  tr.escalated td:first-child { border-left: 4px solid #c0392b; }
  .badge { display: inline-block; padding: 1px 6px; border-radius: 3px; font-size: 12px; color: #fff; }
  .green { background: #2e7d32; } .urgent { background: #c62828; } .level { background: #ad5a00; } .late { background: #c0392b; } .ok { background: #2e7d32; }
  form.filters { margin-bottom: 12px; display: flex; gap: 8px; flex-wrap: wrap; align-items: end; }
  form.filters label { font-size: 13px; display: flex; flex-direction: column; }
  .muted { color: #6b7785; font-size: 12px; }
  ol.timeline li { margin-bottom: 6px; }
  button { cursor: pointer; }
  table.figures { margin-bottom: 12px; }
  dl.legend { font-size: 12px; color: #3e4c59; margin: 8px 0 16px; }
  dl.legend dt { font-weight: 700; margin-top: 4px; }
  dl.legend dd { margin: 0 0 0 1em; }
  /* Printed (the yearly report's PDF): white paper, smaller type, a heading never left alone at the
     foot of a page, table rows never split, a table's header repeated on each page it spans. */
  @media print {
    body { background: #fff; }
    main { padding: 0; }
    table { font-size: 11px; }
    th, td { padding: 4px 6px; }
    h2, h3 { break-after: avoid-page; page-break-after: avoid; }
    .keep { break-inside: avoid-page; page-break-inside: avoid; }
    tr, dl.legend dd, svg { break-inside: avoid-page; page-break-inside: avoid; }
    thead { display: table-header-group; }
  }
`;

export function page(title: string, user: SignedInUser | null, body: SafeHtml): string {
  const nav = user
    ? html`<nav>
        <a href="/handoffs">移送案件</a>
        <a href="/timeliness">办理时效</a>
        <a href="/evaluation">评估</a>
        <a href="/visits">跟踪回访</a>
        ${user.role !== 'unit' ? html`<a href="/escalations">督办提醒</a>` : ''}
        ${user.role !== 'operator' ? html`<a href="/notices">通知</a>` : ''}
        ${user.role === 'office' ? html`<a href="/meetings">联席会议</a>` : ''}
        ${user.role === 'office' ? html`<a href="/report">年度报告</a>` : ''}
        ${user.role === 'operator' ? html`<a href="/queues">队列</a>` : ''}
      </nav>
      <span class="who">${user.username}（${ROLE_LABEL[user.role]}${user.agency ? ` · ${unitName(user.agency)}` : ''}）
        <form method="post" action="/logout">${csrfInput(user, '/logout')}<button type="submit">退出</button></form></span>`
    : '';
  return html`<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>${title} · 司法救助与社会救助衔接平台</title>
<link rel="stylesheet" href="${raw(WEB_FONT_PATH)}/400.css"><link rel="stylesheet" href="${raw(WEB_FONT_PATH)}/700.css">
<style>${raw(STYLE)}</style></head>
<body><header><h1>司法救助与社会救助衔接平台</h1>${nav}</header><main><h2>${title}</h2>${body}</main></body></html>`.value;
}
