import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Builds bench/profile/imports.instrumented.ts: a copy of src/imports/imports.service.ts with
 * stage timers (`stages`) and counters inserted at anchor lines, for `npm run bench -- --profile`.
 * The copy is made from the current source at every profiled run (so it never drifts from it)
 * and deleted afterwards; the source itself is never touched. An anchor that no longer matches
 * fails loudly, naming the anchor.
 */
const here = path.dirname(fileURLToPath(import.meta.url));
export const SOURCE = path.join(here, '..', '..', 'src', 'imports', 'imports.service.ts');
export const INSTRUMENTED = path.join(here, 'imports.instrumented.ts');

const HELPERS = `
/** Stage timings of the last call (ms), in order; counters of per-village round trips. */
export const stages: { name: string; ms: number }[] = [];
export const counters = { insertVillage: 0, findVillageScans: 0 };
let stageStart = 0;
function startStages() {
  stages.length = 0;
  counters.insertVillage = 0;
  counters.findVillageScans = 0;
  stageStart = performance.now();
}
function mark(name: string) {
  const now = performance.now();
  stages.push({ name, ms: now - stageStart });
  stageStart = now;
}
`;

interface Rule {
  name: string;
  at: RegExp;
  where: 'before' | 'after';
  code: string;
  /** start searching after the line of this rule's match (by name) */
  after?: string;
  /** a counter that an alternative implementation may not have */
  optional?: boolean;
}

const RULES: Rule[] = [
  { name: 'helpers', at: /^\/\*\* Rolled back on purpose to end a dry run\. \*\/$/, where: 'before', code: HELPERS },
  { name: 'start', at: /^\s*const read = await readSpreadsheet\(/, where: 'before', code: 'startStages();' },
  { name: 'read', at: /^\s*const read = await readSpreadsheet\(/, where: 'after', code: "mark('read file (parse CSV/xlsx)');" },
  { name: 'hash', at: /^\s*const valid: RosterRow\[\] = \[\];/, where: 'before', code: "mark('sha-256 of file, report');" },
  { name: 'begin', at: /^\s*await db\.transaction\(async \(tx\) => \{/, where: 'after', code: "mark('begin transaction');" },
  { name: 'validate', at: /^\s*try \{$/, where: 'before', code: "mark('map columns + validate rows');", after: 'hash' },
  { name: 'log', at: /^\s*report\.committed = true;/, where: 'after', code: "mark('import_log insert');" },
  { name: 'audit', at: /^ {4}\}\);$/, where: 'before', code: "  mark('rest of transaction (audit entries)');", after: 'log' },
  { name: 'rollback', at: /^\s*if \(!\(err instanceof DryRunRollback\)\) throw err;/, where: 'after', code: '' },
  { name: 'rollbackEnd', at: /^ {2}\}$/, where: 'after', code: "mark(opts.commit ? 'COMMIT' : 'ROLLBACK (dry run)');", after: 'rollback' },
  { name: 'sort', at: /^\s*return report;$/, where: 'before', code: "mark('sort report rows/problems');", after: 'rollbackEnd' },
  { name: 'units', at: /^\s*\/\/ 2\. villages/, where: 'before', code: "mark('1. resolve provinces/communes');" },
  { name: 'findVillage', at: /^\s*let village = resolver\.findVillage\(/, where: 'before', code: 'counters.findVillageScans++;', optional: true },
  { name: 'insertVillage', at: /^\s*village = await insertVillage\(/, where: 'before', code: 'counters.insertVillage++;', optional: true },
  { name: 'villages', at: /^\s*const unitOf = \(r: PlannedRow\)/, where: 'before', code: "mark('2a. villages: one lookup, one insert');" },
  { name: 'teamsOfUnits', at: /^\s*for \(const t of await registry\.teamsOfUnits\(/, where: 'after', code: "mark('2b. unit ids of rows + teamsOfUnits query');" },
  { name: 'planTeams', at: /^\s*for \(const t of await registry\.insertTeams\(/, where: 'before', code: "mark('2c. plan teams (team name/key per row)');" },
  { name: 'insertTeams', at: /^\s*\/\/ 3\. members/, where: 'before', code: "mark('2d. insertTeams (one statement)');" },
  { name: 'existing', at: /^\s*type Person = /, where: 'before', code: "mark('3a. existing members/memberships queries');" },
  { name: 'match', at: /^\s*\/\/ 4\. write/, where: 'before', code: "mark('3b. match rows to people (loop)');" },
  { name: 'insertMembers', at: /^\s*const memberChanges = new Map/, where: 'before', code: "mark('4a. insert new members');" },
  { name: 'updateMembers', at: /^\s*const upserts: /, where: 'before', code: "mark('4b. update changed members');" },
  { name: 'planMemberships', at: /^\s*for \(const chunk of chunks\(upserts, /, where: 'before', code: "mark('4c. plan memberships + row outcomes');" },
  { name: 'upserts', at: /^\}$/, where: 'before', code: "  mark('4d. insert/update memberships');", after: 'planMemberships' },
];

/**
 * `source` defaults to src/imports/imports.service.ts; another file written as if it lived in
 * src/imports/ (same relative imports), e.g. a proposed faster version, can be profiled instead.
 */
export function writeInstrumentedCopy(source = SOURCE): string {
  const lines = readFileSync(source, 'utf8')
    .replace(/from '\.\.\//g, "from '../../src/")
    .replace(/from '\.\//g, "from '../../src/imports/")
    .split('\n');
  const found = new Map<string, number>();
  const inserts: { line: number; where: 'before' | 'after'; code: string }[] = [];
  for (const rule of RULES) {
    const from = rule.after ? found.get(rule.after)! + 1 : 0;
    const line = lines.findIndex((l, i) => i >= from && rule.at.test(l));
    if (line === -1 && rule.optional) continue;
    if (line === -1) throw new Error(`bench/profile/instrument.ts: anchor "${rule.name}" (${rule.at}) not found in ${path.relative(process.cwd(), source)}; update the anchor`);
    found.set(rule.name, line);
    inserts.push({ line, where: rule.where, code: rule.code });
  }
  // insert from the bottom up so line numbers stay valid
  inserts.sort((a, b) => b.line - a.line || (a.where === 'after' ? -1 : 1));
  for (const ins of inserts.filter((i) => i.code)) {
    const indent = /^\s*/.exec(lines[ins.line])![0];
    const code = ins.code.includes('\n') && ins.code.startsWith('\n') ? ins.code : ins.code.split('\n').map((l) => indent + l).join('\n');
    lines.splice(ins.where === 'before' ? ins.line : ins.line + 1, 0, code);
  }
  const header = `// GENERATED by bench/profile/instrument.ts from ${path.relative(path.join(here, '..', '..'), source)} for \`npm run bench -- --profile\`; deleted after the run. Do not edit.\n`;
  writeFileSync(INSTRUMENTED, header + lines.join('\n'));
  return INSTRUMENTED;
}

export function removeInstrumentedCopy(): void {
  rmSync(INSTRUMENTED, { force: true });
}
