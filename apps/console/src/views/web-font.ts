import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import type { NestExpressApplication } from '@nestjs/platform-express';

/** Where the console's pages load their Chinese font from (public, like every /assets/ path). */
export const WEB_FONT_PATH = '/assets/noto-sans-sc';

/**
 * The console brings its own Chinese web font (@fontsource/noto-sans-sc, split by unicode-range so
 * a page loads only the glyphs it shows): pages and screenshots are legible on a machine, or a
 * headless browser, without system CJK fonts.
 */
export function serveWebFont(app: NestExpressApplication): void {
  const root = dirname(createRequire(import.meta.url).resolve('@fontsource/noto-sans-sc/package.json'));
  app.useStaticAssets(root, { prefix: `${WEB_FONT_PATH}/`, maxAge: '7d', index: false });
}
