/**
 * Per-row cost of the pure functions the roster import calls for every row (no database):
 * µs per call over 100,000 calls, and the whole validateRow on a generated roster.
 *
 *   npx tsx bench/profile/functions.ts
 */
import { readSpreadsheet } from '../../src/imports/imports.reader.js';
import { findHeader } from '../../src/imports/imports.columns.js';
import { validateRow } from '../../src/imports/imports.validate.js';
import { parseAffiliations, parseGender, parseRole } from '../../src/registry/registry.vocabulary.js';
import { yearInVietnam } from '../../src/text/dates.js';
import { normalizePhone } from '../../src/text/phone.js';
import { cleanText, nameKey, properName, searchKey } from '../../src/text/vietnamese.js';
import { buildRoster, rosterCsv } from '../roster.js';

const N = 100_000;
function time(label: string, f: (i: number) => unknown) {
  for (let i = 0; i < 1000; i++) f(i);
  const t = performance.now();
  for (let i = 0; i < N; i++) f(i);
  const us = ((performance.now() - t) * 1000) / N;
  console.log(`${label.padEnd(46)} ${us.toFixed(2).padStart(6)} µs/call  (${((us * N) / 1000).toFixed(0).padStart(5)} ms per 100k)`);
}
const people = ['Lò Văn Bình', 'Quàng Thị Hoà'];
time('nameKey(full name)', (i) => nameKey(people[i % 2] + i));
time('nameKey("Tổ công nghệ số cộng đồng Bản Nà 12")', (i) => nameKey('Tổ công nghệ số cộng đồng Bản Nà ' + i));
time('searchKey(full name)', (i) => searchKey(people[i % 2] + i));
time('cleanText(full name)', (i) => cleanText(people[i % 2] + i));
time('properName(full name)', (i) => properName(people[i % 2] + i));
time("  of which toLocaleLowerCase('vi')", (i) => (people[i % 2] + i).toLocaleLowerCase('vi'));
time('  vs toLowerCase()', (i) => (people[i % 2] + i).toLowerCase());
time('normalizePhone("09xxxxxxxx")', (i) => normalizePhone(`09${String(10_000_000 + i)}`));
time('parseAffiliations', (i) => parseAffiliations(i % 2 ? 'Bí thư Đoàn xã ; Thành viên' : 'Hội Phụ nữ'));
time('parseRole', (i) => parseRole(i % 2 ? 'Thành viên' : 'Tổ trưởng'));
time('parseGender', (i) => parseGender(i % 2 ? 'Nam' : 'Nữ'));
time('yearInVietnam (Intl.DateTimeFormat)', () => yearInVietnam());

const roster = buildRoster('Sơn La', ['Xã Chiềng Xôm', 'Phường Tô Hiệu'], N);
const csv = rosterCsv(roster);
const t = performance.now();
const read = await readSpreadsheet(csv, 'roster.csv', 1e9);
console.log(`readSpreadsheet(CSV, ${N} rows)`.padEnd(46), `${(performance.now() - t).toFixed(0)} ms`);
const sheet = read.sheets[0];
const mapping = findHeader(sheet)!;
const headers = sheet.rows[mapping.headerIndex];
time('validateRow (whole row)', (i) => validateRow(sheet, 1 + (i % N), mapping, headers, {}));
