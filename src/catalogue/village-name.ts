import { cleanText, nameKey, properName, searchKey } from '../text/vietnamese.js';

/**
 * Village-level unit names as rosters write them, reduced to one spelling. A ward's "TDP 4",
 * "Tổ dân phố 4", "Tổ 4" and "Tổ dân phố số 04" are one village, "Tổ dân phố 4"; "TK 2" and
 * "Tiểu khu 02" are "Tiểu khu 2"; "bản nà hụm" is "Bản Nà Hụm". The words are those of the village
 * level in Vietnam's administrative practice (Circular 04/2012/TT-BNV on villages and residential
 * groups: thôn, làng, ấp, bản, buôn, bon, phum, sóc, plei… in communes; tổ dân phố, khu phố,
 * khối phố, khóm, tiểu khu in wards and townships).
 */

/** Kind words: search key as written → the word in full. Longest first: matched at the start of a name. */
const KIND_WORDS: [plain: string, full: string][] = [
  ['to dan pho', 'Tổ dân phố'],
  ['tieu khu', 'Tiểu khu'],
  ['khu pho', 'Khu phố'],
  ['khoi pho', 'Khối phố'],
  ['khu dan cu', 'Khu dân cư'],
  ['tdp', 'Tổ dân phố'],
  ['tk', 'Tiểu khu'],
  ['kp', 'Khu phố'],
  ['kdc', 'Khu dân cư'],
  ['thon', 'Thôn'],
  ['ban', 'Bản'],
  ['xom', 'Xóm'],
  ['lang', 'Làng'],
  ['ap', 'Ấp'],
  ['buon', 'Buôn'],
  ['bon', 'Bon'],
  ['plei', 'Plei'],
  ['palei', 'Palei'],
  ['phum', 'Phum'],
  ['soc', 'Sóc'],
  ['khom', 'Khóm'],
  ['khoi', 'Khối'],
  ['khu', 'Khu'],
  // a bare "Tổ 4" in a ward or township is its residential group
  ['to', 'Tổ dân phố'],
];
/** The same words with their diacritics, so "Bàn 3" (a typo) is not read as "Bản 3" while "ban 3" (typed plain) is. */
const ACCENTED = new Map<string, string>(KIND_WORDS.map(([plain, full]) => [plain, nameKey(full.split(' ').slice(0, plain.split(' ').length).join(' '))]));
const ABBREVIATIONS = new Set(['tdp', 'tk', 'kp', 'kdc']);

export interface VillageName {
  /** the name in one spelling: kind word in full, "số" and leading zeros dropped, words capitalised */
  name: string;
  /** the matching key of `name` (see nameKey): equal keys are the same village of a commune */
  key: string;
  /** the kind word in full ("Tổ dân phố"), or null when the name has none */
  kind: string | null;
}

const romanValue = (r: string) => {
  const v: Record<string, number> = { I: 1, V: 5, X: 10 };
  let n = 0;
  for (let i = 0; i < r.length; i++) n += v[r[i]] < (v[r[i + 1]] ?? 0) ? -v[r[i]] : v[r[i]];
  return n;
};
const capitalise = (w: string) => w.charAt(0).toLocaleUpperCase('vi') + w.slice(1);

/** Splits off the kind word at the start of `text`: [full kind, rest] or null. */
function splitKind(text: string): [string, string] | null {
  const words = text.split(' ');
  const lowerWords = words.map((w) => w.toLocaleLowerCase('vi'));
  for (const [plain, full] of KIND_WORDS) {
    const n = plain.split(' ').length;
    if (words.length < n) continue;
    const head = lowerWords.slice(0, n).join(' ');
    const headPlain = searchKey(head);
    // an abbreviation, alone ("TDP 4", "TK. 2") or glued to its number ("TDP4", "TK.2")
    if (n === 1 && ABBREVIATIONS.has(plain)) {
      if (searchKey(words[0]) === plain) return words.length > 1 ? [full, words.slice(1).join(' ')] : null;
      const glued = new RegExp(`^${plain}\\.?(?=\\d)`, 'i').exec(words[0]);
      if (glued) return [full, [words[0].slice(glued[0].length), ...words.slice(1)].join(' ')];
      continue;
    }
    if (headPlain !== plain) continue;
    // written with marks, the marks must be the word's ("Bàn" is no "Bản"); written plain, the letters
    if (head !== headPlain && nameKey(head) !== ACCENTED.get(plain)) continue;
    if (words.length === n) return null;
    // "Tổ" is a residential group only before a number ("Tổ 4", "Tổ số 04"), not "Tổ CNSCĐ"
    if (plain === 'to' && !/^(?:số\s*|so\s*)?\d/iu.test(words.slice(n).join(' '))) return null;
    return [full, words.slice(n).join(' ')];
  }
  return null;
}

/**
 * The one spelling of a village name as a roster writes it ("TDP số 04" → "Tổ dân phố 4").
 * Names without a kind word are kept (capitalised) with `kind` null. Pure.
 */
export function canonicalVillage(written: string): VillageName {
  let v = CACHE.get(written);
  if (!v) {
    if (CACHE.size >= CACHE_SIZE) CACHE.clear();
    CACHE.set(written, (v = canonical(written)));
  }
  return v;
}

/** Names repeat on most rows of a roster: each distinct spelling is worked out once (pure, so a cache is safe). */
const CACHE = new Map<string, VillageName>();
const CACHE_SIZE = 50_000;

function canonical(written: string): VillageName {
  const text = cleanText(written).replace(/\s*[.:]\s*$/u, '');
  const split = splitKind(text);
  if (!split) {
    const name = properName(text);
    return { name, key: nameKey(name), kind: null };
  }
  const [kind, restRaw] = split;
  let rest = restRaw.replace(/^[.:-]\s*/u, '').replace(/^(?:số|so)\.?\s*(?=\d)/iu, '');
  // leading zeros of a number: "04" → "4", "04A" → "4A"; "4 A" → "4A"; a Roman numeral alone: "IV" → "4"
  rest = rest.replace(/^0+(?=\d)/, '').replace(/^(\d+)\s+([A-Za-z])$/, '$1$2');
  const roman = /^(?:X{0,3})(?:IX|IV|V?I{0,3})$/.exec(rest);
  if (roman && rest) rest = String(romanValue(rest));
  // a number with a letter ("3A") keeps its capital; words written in capitals are title-cased
  const name = `${kind} ${/^\d+\p{L}?$/u.test(rest) ? rest.toLocaleUpperCase('vi') : capitalise(properName(rest))}`.trim();
  return { name, key: nameKey(name.replace(/\s*-\s*/g, ' ')), kind };
}

/**
 * Whether `text` starts with a village kind word followed by a name ("Bản Nà", "TDP 4", "Tổ 3").
 * `strict`: the word must be written with its own marks or as an abbreviation ("Lang Văn Hùng",
 * a Thái surname, is no "Làng"), for text that stands alone with nothing else saying it is a unit.
 */
export function isVillageName(text: string, strict = false): boolean {
  const v = canonicalVillage(text);
  if (v.kind === null) return false;
  if (!strict) return true;
  const head = cleanText(text).split(' ')[0];
  return ABBREVIATIONS.has(searchKey(head).replace(/\d+$/, '')) || nameKey(head) === nameKey(v.kind.split(' ')[0]);
}

/** Plain keys of the kind words, for headers such as "Thôn/bản/tiểu khu" or "Bản/TK". */
export const VILLAGE_HEADER_WORDS: ReadonlySet<string> = new Set([...KIND_WORDS.map(([p]) => p), 'dia ban', 'thon ban', 'to dan pho']);
