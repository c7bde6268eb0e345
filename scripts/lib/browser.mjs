// The one way every part of the bus that prints or draws finds its headless Chromium: the console's
// PDF of the yearly report (第二十三条), the benchmark's chart, the browser tests, and `npm run bus`,
// which hands the console what it found. Plain JavaScript so that the scripts (.mjs) and the
// TypeScript apps share it as it is (`#browser` in package.json; its types in browser.d.mts).
// In order:
//   1. CHROMIUM_PATH, when set (CHROMIUM_ARGS: extra flags, a JSON array of strings);
//   2. Debian's /usr/bin/chromium, when it is there and executable;
//   3. the Chromium that npm's @sparticuz/chromium ships (unpacked into the temp directory on first
//      use), so a machine with Node.js alone prints and draws too. Nothing is downloaded.
import { accessSync, constants } from 'node:fs';

export const DEBIAN_CHROMIUM = '/usr/bin/chromium';

/** No browser in any of the three places; the message names each place and why it failed. */
export class BrowserNotFoundError extends Error {
  name = 'BrowserNotFoundError';
}

export function isExecutable(path) {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** CHROMIUM_ARGS as given: a JSON array of strings, or nothing. */
export function parseChromiumArgs(json) {
  if (json === undefined || json === '') return [];
  const parsed = JSON.parse(json);
  if (!Array.isArray(parsed) || !parsed.every((arg) => typeof arg === 'string')) throw new Error('CHROMIUM_ARGS must be a JSON array of strings');
  return parsed;
}

let shipped;

/** @sparticuz/chromium's browser, unpacked once per process. */
async function shippedChromium() {
  shipped ??= (async () => {
    const { default: chromium } = await import('@sparticuz/chromium');
    const executablePath = await chromium.executablePath();
    // Its flags are made for one-page lambdas: --single-process and --no-zygote close the browser at a second page.
    return { executablePath, args: chromium.args.filter((arg) => arg !== '--single-process' && arg !== '--no-zygote'), source: '@sparticuz/chromium' };
  })();
  try {
    return await shipped;
  } catch (error) {
    shipped = undefined;
    throw error;
  }
}

/**
 * Where the browser is and the flags it needs. `path` is CHROMIUM_PATH (null or undefined: look for
 * one); `args` CHROMIUM_ARGS, used with a browser given or Debian's; `system: false` skips Debian's
 * (BUS_NODE_ONLY=1: behave as on a machine with Node.js alone).
 */
export async function findBrowser({ path, args = [], system = true } = {}) {
  if (path) return { executablePath: path, args, source: 'CHROMIUM_PATH' };
  if (system && isExecutable(DEBIAN_CHROMIUM)) return { executablePath: DEBIAN_CHROMIUM, args, source: DEBIAN_CHROMIUM };
  try {
    return await shippedChromium();
  } catch (error) {
    throw new BrowserNotFoundError(
      `no headless Chromium: CHROMIUM_PATH is not set, ${DEBIAN_CHROMIUM} is ${system ? 'not installed' : 'not used (BUS_NODE_ONLY=1)'}, ` +
        `and @sparticuz/chromium failed (${error instanceof Error ? error.message.split('\n')[0] : String(error)})`,
    );
  }
}

/** findBrowser as a script's environment asks: CHROMIUM_PATH, CHROMIUM_ARGS, BUS_NODE_ONLY. */
export function findBrowserFromEnv(env = process.env) {
  return findBrowser({ path: env.CHROMIUM_PATH || undefined, args: parseChromiumArgs(env.CHROMIUM_ARGS), system: env.BUS_NODE_ONLY !== '1' });
}

/** What a process started by a script is given so that it uses the same browser: CHROMIUM_PATH and CHROMIUM_ARGS. */
export function browserEnv(browser) {
  return { CHROMIUM_PATH: browser.executablePath, CHROMIUM_ARGS: JSON.stringify(browser.args) };
}
