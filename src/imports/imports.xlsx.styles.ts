import type { SaxesParser, SaxesTagPlain } from 'saxes';
import { fontEncoding, type LegacyEncoding } from '../text/legacy-encoding.js';

/**
 * The styles part of an .xlsx (xl/styles.xml, ECMA-376 §18.8) as the reader needs it: per cell
 * style (the cell's `s`, an index into <cellXfs>) whether numbers show as dates, and which legacy
 * Vietnamese encoding its font implies (<fonts> → the xf's fontId → `fontEncoding`).
 */
export interface CellStyles {
  /** by cellXfs index: the number format is a date */
  dates: boolean[];
  /** by cellXfs index: the font is a TCVN3 (.Vn…) or VNI font, else null */
  legacyFonts: (LegacyEncoding | null)[];
}

/** Number formats built into Excel that ExcelJS reads as dates (ECMA-376 §18.8.30: 14–22, 45–47). */
const BUILTIN_DATE_FORMATS = new Set([14, 15, 16, 17, 18, 19, 20, 21, 22, 45, 46, 47]);

const local = (name: string) => {
  const i = name.indexOf(':');
  return i < 0 ? name : name.slice(i + 1);
};

/** ExcelJS's test for a date format: date letters outside quotes and brackets. */
const isDateFormat = (code: string) => /[ymdhMsb]+/.test(code.replace(/\[[^\]]*]/g, '').replace(/"[^"]*"/g, ''));

/** An Excel serial day as YYYY-MM-DD (1900 or 1904 date system), as ExcelJS converts it. */
export const serialToDate = (v: number, date1904: boolean) => {
  const d = new Date(Math.round((v - 25569 + (date1904 ? 1462 : 0)) * 86_400_000));
  return Number.isNaN(d.getTime()) ? String(v) : d.toISOString().slice(0, 10);
};

/**
 * Sets up a SAX parser of xl/styles.xml; the returned function gives the styles once the part is
 * read. Fonts are read only from <fonts> (a <dxf>'s font is a conditional format, not a cell's).
 */
export function stylesHandler(p: SaxesParser): () => CellStyles {
  const formats = new Map<number, string>();
  const xfs: { numFmt: number; font: number }[] = [];
  const fonts: (string | undefined)[] = [];
  let section: 'numFmts' | 'cellXfs' | 'fonts' | null = null;
  let inFont = false;
  p.on('opentag', (tag: SaxesTagPlain) => {
    const name = local(tag.name);
    if (name === 'numFmts' || name === 'cellXfs' || name === 'fonts') section = name;
    else if (name === 'numFmt' && section === 'numFmts') formats.set(Number(tag.attributes.numFmtId), tag.attributes.formatCode ?? '');
    else if (name === 'xf' && section === 'cellXfs') xfs.push({ numFmt: Number(tag.attributes.numFmtId ?? 0), font: Number(tag.attributes.fontId ?? 0) });
    else if (name === 'font' && section === 'fonts') {
      inFont = true;
      fonts.push(undefined);
    } else if (name === 'name' && inFont) fonts[fonts.length - 1] = tag.attributes.val;
  });
  p.on('closetag', (tag) => {
    const name = local(tag.name);
    if (name === section) section = null;
    else if (name === 'font') inFont = false;
  });
  return () => ({
    dates: xfs.map(({ numFmt: id }) => {
      if (!id) return false;
      const custom = formats.get(id);
      return custom !== undefined ? isDateFormat(custom) : BUILTIN_DATE_FORMATS.has(id);
    }),
    legacyFonts: xfs.map(({ font }) => fontEncoding(fonts[font])),
  });
}
