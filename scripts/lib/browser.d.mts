// Types of browser.mjs, for the TypeScript that imports it as `#browser` (the console, the bench, the tests).

export interface FoundBrowser {
  executablePath: string;
  args: string[];
  /** where it was found: CHROMIUM_PATH, /usr/bin/chromium or @sparticuz/chromium */
  source: string;
}

export declare const DEBIAN_CHROMIUM: string;

export declare class BrowserNotFoundError extends Error {}

export declare function isExecutable(path: string): boolean;

export declare function parseChromiumArgs(json: string | undefined): string[];

export declare function findBrowser(options?: { path?: string | null; args?: string[]; system?: boolean }): Promise<FoundBrowser>;

export declare function findBrowserFromEnv(env?: Record<string, string | undefined>): Promise<FoundBrowser>;

export declare function browserEnv(browser: FoundBrowser): { CHROMIUM_PATH: string; CHROMIUM_ARGS: string };
