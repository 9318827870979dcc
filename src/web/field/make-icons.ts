/**
 * Renders the field app's PNG icons from src/field/public/icons/icon.svg with Chromium
 * (playwright-core, /usr/bin/chromium): icon-192.png, icon-512.png and icon-maskable-512.png
 * (full-bleed background, the mark inside the central 80 % safe zone). The PNGs are committed;
 * run again after changing the SVG: `npx tsx src/field/make-icons.ts`.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const dir = path.join(path.dirname(fileURLToPath(import.meta.url)), 'public', 'icons');
const svg = readFileSync(path.join(dir, 'icon.svg'), 'utf8');
// maskable: square background, the rounded icon scaled to 80 % in the middle
const inner = svg.replace(/^<svg[^>]*>/, '').replace(/<\/svg>\s*$/, '');
const maskable = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 512 512" width="512" height="512"><rect width="512" height="512" fill="#0b5c8a"/><g transform="translate(51.2 51.2) scale(0.8)">${inner}</g></svg>`;

const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: ['--headless', '--no-sandbox', '--disable-gpu'] });
try {
  const page = await browser.newPage();
  for (const [name, source, size] of [['icon-192.png', svg, 192], ['icon-512.png', svg, 512], ['icon-maskable-512.png', maskable, 512]] as const) {
    await page.setViewportSize({ width: size, height: size });
    const sized = source.replace(/width="512" height="512"/, `width="${size}" height="${size}"`);
    await page.setContent(`<!doctype html><html><body style="margin:0;background:transparent">${sized}</body></html>`);
    writeFileSync(path.join(dir, name), await page.screenshot({ omitBackground: true, clip: { x: 0, y: 0, width: size, height: size } }));
    console.log(`${name}: ${size}×${size}`);
  }
} finally {
  await browser.close();
}
