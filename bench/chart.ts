// The benchmark's chart: an SVG drawn here, rasterised to PNG by headless Chromium through
// playwright-core, found as the console finds it (#browser: CHROMIUM_PATH, Debian's /usr/bin/chromium,
// else @sparticuz/chromium's). No download: without a browser the chart is skipped and the figures stand alone.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { chromium } from 'playwright-core';
import { findBrowserFromEnv } from '#browser';

export interface ChartSeries {
  label: string;
  points: { x: number; y: number }[];
}

const WIDTH = 900;
const HEIGHT = 520;
const PAD = { left: 90, right: 200, top: 50, bottom: 60 };
const COLOURS = ['#1f77b4', '#6baed6', '#c6dbef', '#d62728', '#fc9272', '#fcbba1'];
const DASH = ['', '6 3', '2 3'];

function niceMax(value: number): number {
  if (!Number.isFinite(value) || value <= 0) return 1;
  const power = 10 ** Math.floor(Math.log10(value));
  return [1, 2, 5, 10].map((m) => m * power).find((m) => m >= value) ?? 10 * power;
}

const escapeXml = (text: string) => text.replace(/[<>&]/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;' })[c] ?? c);

/** Latency (log scale, ms) against offered load (messages per second). */
export function chartSvg(series: ChartSeries[], title: string): string {
  const points = series.flatMap((s) => s.points).filter((p) => Number.isFinite(p.x) && Number.isFinite(p.y));
  const xMax = niceMax(Math.max(...points.map((p) => p.x)) * 1.1);
  const yMinLog = Math.floor(Math.log10(Math.max(0.1, Math.min(...points.map((p) => p.y)))));
  const yMaxLog = Math.ceil(Math.log10(Math.max(1, ...points.map((p) => p.y))));
  const plotW = WIDTH - PAD.left - PAD.right;
  const plotH = HEIGHT - PAD.top - PAD.bottom;
  const sx = (x: number) => PAD.left + (x / xMax) * plotW;
  const sy = (y: number) => PAD.top + plotH - ((Math.log10(Math.max(y, 10 ** yMinLog)) - yMinLog) / Math.max(1, yMaxLog - yMinLog)) * plotH;
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${HEIGHT}" font-family="sans-serif" font-size="13">`,
    `<rect width="100%" height="100%" fill="white"/>`,
    `<text x="${PAD.left}" y="28" font-size="16" font-weight="bold">${escapeXml(title)}</text>`,
  ];
  for (let e = yMinLog; e <= yMaxLog; e++) {
    const y = sy(10 ** e);
    parts.push(`<line x1="${PAD.left}" x2="${PAD.left + plotW}" y1="${y}" y2="${y}" stroke="#ddd"/>`);
    parts.push(`<text x="${PAD.left - 8}" y="${y + 4}" text-anchor="end">${10 ** e >= 1 ? (10 ** e).toLocaleString('en-US') : 10 ** e} ms</text>`);
  }
  for (let i = 0; i <= 5; i++) {
    const value = (xMax / 5) * i;
    const x = sx(value);
    parts.push(`<line x1="${x}" x2="${x}" y1="${PAD.top}" y2="${PAD.top + plotH}" stroke="#eee"/>`);
    parts.push(`<text x="${x}" y="${PAD.top + plotH + 20}" text-anchor="middle">${Math.round(value)}</text>`);
  }
  parts.push(`<text x="${PAD.left + plotW / 2}" y="${HEIGHT - 15}" text-anchor="middle">offered load (messages per second)</text>`);
  parts.push(`<rect x="${PAD.left}" y="${PAD.top}" width="${plotW}" height="${plotH}" fill="none" stroke="#333"/>`);
  series.forEach((s, i) => {
    const colour = COLOURS[i % COLOURS.length];
    const dash = DASH[i % 3];
    const valid = s.points.filter((p) => Number.isFinite(p.x) && Number.isFinite(p.y)).sort((a, b) => a.x - b.x);
    if (valid.length > 0) {
      parts.push(`<polyline fill="none" stroke="${colour}" stroke-width="2" stroke-dasharray="${dash}" points="${valid.map((p) => `${sx(p.x)},${sy(p.y)}`).join(' ')}"/>`);
      for (const p of valid) parts.push(`<circle cx="${sx(p.x)}" cy="${sy(p.y)}" r="4" fill="${colour}"><title>${escapeXml(`${s.label}: ${p.y.toFixed(1)} ms at ${p.x.toFixed(1)}/s`)}</title></circle>`);
    }
    const ly = PAD.top + 10 + i * 22;
    parts.push(`<line x1="${PAD.left + plotW + 15}" x2="${PAD.left + plotW + 45}" y1="${ly}" y2="${ly}" stroke="${colour}" stroke-width="2" stroke-dasharray="${dash}"/>`);
    parts.push(`<text x="${PAD.left + plotW + 52}" y="${ly + 4}">${escapeXml(s.label)}</text>`);
  });
  parts.push('</svg>');
  return parts.join('\n');
}

export async function renderChart(series: ChartSeries[], pngPath: string, title: string): Promise<void> {
  const svg = chartSvg(series, title);
  mkdirSync(dirname(pngPath), { recursive: true });
  writeFileSync(pngPath.replace(/\.png$/, '.svg'), svg);
  const found = await findBrowserFromEnv();
  const browser = await chromium.launch({
    executablePath: found.executablePath,
    args: [...found.args, '--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  try {
    const page = await browser.newPage({ viewport: { width: WIDTH, height: HEIGHT } });
    await page.setContent(`<html><body style="margin:0">${svg}</body></html>`);
    writeFileSync(pngPath, await page.screenshot({ clip: { x: 0, y: 0, width: WIDTH, height: HEIGHT } }));
  } finally {
    await browser.close();
  }
}
