/**
 * Vietnamese text typed in the pre-Unicode fonts that commune offices still use, as Excel stores
 * it: the legacy bytes read as Windows-1252 characters ("Hµ ThÞ Lan" is "Hà Thị Lan").
 *
 * - TCVN3 (ABC), the VN3 subset of TCVN 5712:1993, in the ".Vn…" fonts (.VnTime, .VnArial,
 *   .VnCentury Schoolbook…): one byte per letter, 0xA1–0xFE; lowercase toned letters plus the
 *   seven uppercase Ă Â Ê Ô Ơ Ư Đ. VN3 has no uppercase toned letters: the ".Vn…H" fonts
 *   (.VnTimeH, .VnArialH) draw every code as an uppercase letter, so there the byte of "à" shows
 *   "À" and "a" shows "A" ('tcvn3-upper').
 * - VNI Windows, in the "VNI-…" fonts (VNI-Times, VNI-Helve…): a base letter followed by a mark
 *   byte ("Nguyeãn" is "Nguyễn"), a few letters as one byte (ñ đ, ô ơ, ö ư, ì í æ ó ò for i).
 *
 * No npm package was used: the ones found (vietnamese-unicode-toolkit, vietnamese-conversion
 * 2.0.0) either do not convert TCVN3 at all or have no uppercase (H font) table.
 */
export type LegacyEncoding = 'tcvn3' | 'tcvn3-upper' | 'vni';

/** Tone marks in the order the legacy tables list them: grave, hook above, tilde, acute, dot below. */
const TONES = ['\u0300', '\u0309', '\u0303', '\u0301', '\u0323'];
const nfc = (s: string) => s.normalize('NFC');

/** TCVN3 code of each lowercase vowel: untoned form, then the five tones in TONES order. */
const TCVN3_ROWS: [string, string][] = [
  ['a', 'aµ¶·¸¹'],
  ['ă', '¨»¼½¾Æ'],
  ['â', '©ÇÈÉÊË'],
  ['e', 'eÌÎÏÐÑ'],
  ['ê', 'ªÒÓÔÕÖ'],
  ['i', 'i×ØÜÝÞ'],
  ['o', 'oßáâãä'],
  ['ô', '«åæçèé'],
  ['ơ', '¬êëìíî'],
  ['u', 'uïñòóô'],
  ['ư', '\u00adõö÷øù'],
  ['y', 'yúûüýþ'],
];
/** The seven uppercase letters VN3 has (0xA1–0xA7). */
const TCVN3_UPPER: [string, string][] = [['Ă', '¡'], ['Â', '¢'], ['Ê', '£'], ['Ô', '¤'], ['Ơ', '¥'], ['Ư', '¦'], ['Đ', '§']];

const tcvn3Lower = new Map<string, string>(); // legacy → Unicode, .VnTime
const tcvn3Upper = new Map<string, string>(); // legacy → Unicode, .VnTimeH
const tcvn3Encode = new Map<string, string>(); // Unicode → legacy
for (const [vowel, codes] of TCVN3_ROWS) {
  [...codes].forEach((code, k) => {
    const letter = k === 0 ? vowel : nfc(vowel + TONES[k - 1]);
    if (code !== letter) tcvn3Lower.set(code, letter);
    tcvn3Upper.set(code, letter.toUpperCase());
    tcvn3Encode.set(letter, code);
    if (k > 0) tcvn3Encode.set(letter.toUpperCase(), code); // VN3 has no uppercase toned letters: Unikey writes the lowercase code
  });
}
tcvn3Lower.set('®', 'đ');
tcvn3Upper.set('®', 'Đ');
tcvn3Encode.set('đ', '®');
for (const [letter, code] of TCVN3_UPPER) {
  tcvn3Lower.set(code, letter);
  tcvn3Upper.set(code, letter);
  tcvn3Encode.set(letter, code);
}
for (let c = 97; c <= 122; c++) tcvn3Upper.set(String.fromCharCode(c), String.fromCharCode(c - 32));

/** VNI mark bytes, lowercase then uppercase, by tone (index 0 = no tone, then TONES order). */
const VNI_TONE = ['', 'øûõùï', 'ØÛÕÙÏ'] as const;
const VNI_CIRC = ['âàåãáä', 'ÂÀÅÃÁÄ'] as const;
const VNI_BREVE = ['êèúüéë', 'ÊÈÚÜÉË'] as const;
const VNI_I = ['ìæóíò', 'ÌÆÓÍÒ'] as const;
/** VNI letters written as one byte. */
const VNI_SINGLE = new Map<string, string>([
  ['ñ', 'đ'], ['Ñ', 'Đ'], ['î', 'ỵ'], ['Î', 'Ỵ'],
  ...[...VNI_I[0]].map((c, k) => [c, nfc('i' + TONES[k])] as [string, string]),
  ...[...VNI_I[1]].map((c, k) => [c, nfc('I' + TONES[k])] as [string, string]),
]);
/** What a VNI mark byte adds after a base letter: a modifier (circumflex, breve) and a tone. */
const VNI_MARKS = new Map<string, { mod: string; tone: string }>();
for (const upper of [0, 1]) {
  [...VNI_TONE[upper + 1]].forEach((c, k) => VNI_MARKS.set(c, { mod: '', tone: TONES[k] }));
  [...VNI_CIRC[upper]].forEach((c, k) => VNI_MARKS.set(c, { mod: '\u0302', tone: k ? TONES[k - 1] : '' }));
  [...VNI_BREVE[upper]].forEach((c, k) => VNI_MARKS.set(c, { mod: '\u0306', tone: k ? TONES[k - 1] : '' }));
}
/** VNI base letters a mark byte may follow: ô and ö are ơ and ư. */
const VNI_BASES = new Map<string, string>([
  ...[...'aeouyAEOUY'].map((c) => [c, c] as [string, string]),
  ['ô', 'o\u031b'], ['Ô', 'O\u031b'], ['ö', 'u\u031b'], ['Ö', 'U\u031b'],
]);

function decodeVni(text: string): string {
  let out = '';
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    const base = VNI_BASES.get(c);
    if (base !== undefined) {
      const mark = VNI_MARKS.get(text[i + 1]);
      const plain = base.length === 1;
      // circumflex only on a, e, o; breve only on a; tones on every base
      if (mark && (mark.mod === '' || (plain && (mark.mod === '\u0306' ? /[aA]/ : /[aeoAEO]/).test(base)))) {
        out += base + mark.mod + mark.tone;
        i++;
      } else out += base;
      continue;
    }
    out += VNI_SINGLE.get(c) ?? c;
  }
  return nfc(out);
}

function encodeVni(text: string): string {
  let out = '';
  for (const ch of nfc(text)) {
    if (ch === 'đ' || ch === 'Đ') {
      out += ch === 'đ' ? 'ñ' : 'Ñ';
      continue;
    }
    const d = ch.normalize('NFD');
    const base = d[0];
    const upper = base !== base.toLowerCase() ? 1 : 0;
    if (!/[aeiouyAEIOUY]/.test(base) || d.length === 1) {
      out += ch;
      continue;
    }
    const rest = d.slice(1);
    const tone = TONES.findIndex((t) => rest.includes(t)) + 1; // 0 = no tone
    const horn = rest.includes('\u031b');
    if (/[iI]/.test(base)) out += tone ? VNI_I[upper][tone - 1] : base;
    else if (/[yY]/.test(base) && tone === 5) out += upper ? 'Î' : 'î';
    else if (rest.includes('\u0302')) out += base + VNI_CIRC[upper][tone];
    else if (rest.includes('\u0306')) out += base + VNI_BREVE[upper][tone];
    else out += (horn ? { o: 'ô', O: 'Ô', u: 'ö', U: 'Ö' }[base] ?? base : base) + (tone ? VNI_TONE[upper + 1][tone - 1] : '');
  }
  return out;
}

/**
 * Converts legacy text (the legacy bytes as Windows-1252 characters, as Excel stores a cell in a
 * legacy font) to NFC Unicode. Characters outside the table are kept. Never throws.
 * 'tcvn3-upper' gives what the ".Vn…H" fonts show: every letter uppercase.
 */
export function decodeLegacy(text: string, encoding: LegacyEncoding): string {
  if (encoding === 'vni') return decodeVni(text);
  const table = encoding === 'tcvn3' ? tcvn3Lower : tcvn3Upper;
  let out = '';
  for (const c of text) out += table.get(c) ?? c;
  return nfc(out);
}

/**
 * The reverse of `decodeLegacy`, for tests and fixtures: what a legacy font would hold to show
 * `text`. TCVN3 has no uppercase toned letters: they are written with the lowercase code, as
 * Unikey does (shown uppercase only in an H font). Characters outside the table are kept.
 */
export function encodeLegacy(text: string, encoding: LegacyEncoding): string {
  if (encoding === 'vni') return encodeVni(text);
  let out = '';
  for (const c of nfc(text)) out += tcvn3Encode.get(c) ?? c;
  return out;
}

/**
 * The legacy encoding a font name implies (ECMA-376 `<font><name val>` or a run's `<rFont>`):
 * ".Vn…H" → 'tcvn3-upper', ".Vn…" → 'tcvn3', "VNI-…" → 'vni', anything else null.
 */
export function fontEncoding(fontName: string | undefined): LegacyEncoding | null {
  if (!fontName) return null;
  const name = fontName.trim();
  if (/^\.vn/i.test(name)) return /H$/.test(name) ? 'tcvn3-upper' : 'tcvn3';
  if (/^vni[- ]/i.test(name)) return 'vni';
  return null;
}

// ---- Vietnamese syllables (the check behind `certain`) ----

const ONSET = '(?:ngh|ng|nh|ch|gh|gi|kh|ph|qu|th|tr|[bcdđghklmnprstvx])?';
/** Vowel groups that end in a glide: no final consonant may follow. */
const OPEN = 'iêu|yêu|oai|oao|oay|oeo|uây|uôi|ươi|ươu|uya|uyu|ai|ao|au|ay|âu|ây|eo|êu|ia|iu|oi|ôi|ơi|ui|ưi|ưu|ưa|ua';
/** Vowel groups that take a final consonant (those in MUST_CLOSE always do). */
const CLOSABLE = 'uyê|iê|yê|oa|oă|oe|oo|uâ|uê|uô|ươ|uơ|uy|a|ă|â|e|ê|i|o|ô|ơ|u|ư|y';
const MUST_CLOSE = new Set(['ă', 'â', 'iê', 'yê', 'uô', 'ươ', 'uâ', 'oă', 'uyê', 'oo']);
const SYLLABLE = new RegExp(`^${ONSET}(?:(${OPEN})|(${CLOSABLE})(ch|nh|ng|[cmnpt])?)$`);
const ACRONYM = /^[BCDĐGHKLMNPQRSTVX]{2,}$/;

/**
 * Whether a word is Vietnamese as written: one syllable (onset, vowel group and final consonant
 * as in the 2018 spelling rules, at most one tone, only acute or dot below before c/ch/p/t), in
 * lower, Capitalised or UPPER case; or an all-consonant uppercase abbreviation ("HĐND").
 */
export function isVietnameseWord(word: string): boolean {
  const w = nfc(word);
  if (ACRONYM.test(w)) return true;
  const lower = w.toLowerCase();
  if (w !== lower && w !== w.toUpperCase() && w.slice(1) !== lower.slice(1)) return false;
  const d = lower.normalize('NFD');
  const tones = d.match(/[\u0300\u0301\u0303\u0309\u0323]/g) ?? [];
  if (tones.length > 1) return false;
  const m = SYLLABLE.exec(nfc(d.replace(/[\u0300\u0301\u0303\u0309\u0323]/g, '')));
  if (!m) return false;
  if (m[2] && !m[3] && MUST_CLOSE.has(m[2])) return false;
  if (m[3] && /^(c|ch|p|t)$/.test(m[3]) && tones.length && !/[\u0301\u0323]/.test(tones[0] ?? '')) return false;
  return true;
}

// ---- detection ----

/** Any character beyond Latin-1 other than Windows-1252's punctuation: the text is Unicode already. */
const BEYOND_LATIN1 = /[^\u0000-\u00ff\u0152\u0153\u0160\u0161\u0178\u017d\u017e\u0192\u02c6\u02dc\u2013\u2014\u2018-\u201e\u2020-\u2022\u2026\u2030\u2039\u203a\u20ac\u2122]/;
const LATIN1 = /[\u0080-\u00ff]/;
/** TCVN3 codes that are no letter of NFC Vietnamese, or an uppercase letter inside a lowercase word ("NguyÔn"). */
const TCVN3_STRONG = /[¡-§¨©ª«¬\u00ad®µ¶·¸¹»¼½¾ÆÇËÎÏÐÑÖ×ØÜÞßäåæçëîïñö÷øûüþ]|[a-zß-ÿ][À-Þ]/;
/** VNI: a mark byte or one-byte letter that is no letter of NFC Vietnamese, or a vowel followed by a mark byte. */
const VNI_STRONG = /[øûïåäëüñöæîØÛÏÅÄËÜÑÖÆÎ]|[aeiouyAEIOUYôöÔÖ][ùøûõïâáàåãäêéèúüëÙØÛÕÏÂÁÀÅÃÄÊÉÈÚÜË]/;
const WORD_SPLIT = /[\s,;:.!?()[\]{}"'“”‘’/\\|+=*&%#@<>_~^`$–—-]+/;

interface Reading {
  encoding: LegacyEncoding;
  text: string;
  /** words that hold legacy characters and are not Vietnamese as written */
  evidence: number;
  certain: boolean;
}

/** Whether every ASCII letter of the text is uppercase (at least two): a title typed for an H font. */
const allCaps = (text: string) => (text.match(/[A-Z]/g)?.length ?? 0) >= 2 && !/[a-z]/.test(text);

function read(text: string, encoding: LegacyEncoding): Reading {
  const strong = encoding === 'vni' ? VNI_STRONG : TCVN3_STRONG;
  let evidence = 0;
  let certain = true;
  let changed = 0;
  for (const word of text.split(WORD_SPLIT)) {
    if (!word) continue;
    const decoded = decodeLegacy(word, encoding);
    const marked = strong.test(word);
    if (decoded === word && !marked) continue;
    if (decoded !== word) changed++;
    if (marked && decoded !== word && !isVietnameseWord(word)) evidence++;
    if (!isVietnameseWord(decoded)) certain = false;
  }
  return { encoding, text: decodeLegacy(text, encoding), evidence, certain: certain && changed > 0 };
}

/** Quick exclusions: ASCII-only text and text already beyond Latin-1 are never legacy. */
const mayBeLegacy = (text: string) => LATIN1.test(text) && !BEYOND_LATIN1.test(text);

function bestReading(text: string): Reading | null {
  const tcvn = read(text, allCaps(text) ? 'tcvn3-upper' : 'tcvn3');
  const vni = read(text, 'vni');
  const found = [tcvn, vni].filter((r) => r.evidence > 0);
  if (found.length < 2) return found[0] ?? null;
  if (tcvn.certain !== vni.certain) return tcvn.certain ? tcvn : vni;
  return vni.evidence > tcvn.evidence ? vni : tcvn;
}

/**
 * Recognises legacy text by its characters alone: TCVN3 codes that are no letter of NFC
 * Vietnamese (µ Þ ¨ …) or an uppercase letter inside a word ("NguyÔn"), VNI mark bytes after a
 * vowel ("Nguyeãn") or one-byte VNI letters (ñ ö); a word counts only when it is not Vietnamese as
 * written. All-uppercase text reads as 'tcvn3-upper'. `certain` when every word the decoding
 * changes becomes a Vietnamese syllable (`isVietnameseWord`). Null for ASCII-only text, for text
 * with characters beyond Latin-1 (Unicode Vietnamese) and for text with no such sign.
 */
export function detectLegacy(text: string): { encoding: LegacyEncoding; certain: boolean } | null {
  if (!mayBeLegacy(text)) return null;
  const r = bestReading(text);
  return r && { encoding: r.encoding, certain: r.certain };
}

/**
 * What the reader does with one cell: `font` is the encoding its font implies (`fontEncoding`),
 * if any. Converts only text that holds legacy characters (Unicode text in a .Vn font, and ASCII,
 * stay as they are): in a legacy font a word that is not Vietnamese as written and changes under
 * the font's table is enough (all-uppercase text in a .Vn font reads as 'tcvn3-upper'); otherwise
 * `detectLegacy` decides. Returns the decoded NFC text with the encoding and certainty, or null;
 * `ambiguous` when the cell's font is a legacy one but its bytes read as Vietnamese as they are too.
 */
export function convertLegacy(text: string, font?: LegacyEncoding | null): { encoding: LegacyEncoding; certain: boolean; text: string; ambiguous?: true } | null {
  if (!mayBeLegacy(text)) return null;
  let r: Reading | null = null;
  if (font) {
    r = read(text, font === 'tcvn3' && allCaps(text) ? 'tcvn3-upper' : font);
    // bytes that read as Vietnamese both ways ("Lù Thanh Dòng" in .VnTime shows "Lự Thanh Dũng"):
    // the caller decides by the rest of the sheet (typed in that font) or leaves them as Unicode
    if (r.evidence === 0 && r.certain) return { encoding: r.encoding, certain: true, text: r.text, ambiguous: true };
    if (r.evidence === 0) r = null;
  }
  r ??= bestReading(text);
  return r && { encoding: r.encoding, certain: r.certain, text: r.text };
}
