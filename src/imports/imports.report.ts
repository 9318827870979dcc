import type { Field } from './imports.labels.js';
import type { MappingSource } from './imports.mapping.js';
import type { Problem } from './imports.validate.js';

/**
 * The report of one roster file, as the API, the web page and `ngoso import --format json` give it:
 * counts, the shape the reader understood, the questions to answer, what gets created, problems.
 */
export type Outcome = 'new' | 'updated' | 'unchanged' | 'invalid';

export interface RowOutcome {
  sheet: string;
  row: number;
  outcome: Outcome;
  fullName: string;
  team?: string;
  unit?: string;
  changes?: string[];
  /** where the row landed (for the audit log; not part of the API answer) */
  communeId?: number;
  provinceCode?: string;
}

/** One sheet of a file report: the header row found and how its columns map to fields. */
export interface SheetReport {
  name: string;
  headerRow: number | null;
  /** field → header cell */
  mapping: Partial<Record<Field, string>>;
  /** header cells mapped to nothing */
  ignored: string[];
  /** the header's shape (see shapeKeyOf): a correction sent or saved for it applies to every file with this header */
  shapeKey?: string;
  /** every header column: index (0 = first column; the key of a correction), header text, field or null */
  columns?: { index: number; header: string; field: Field | null }[];
  /** where the mapping came from: found by header names, remembered, or corrected with this upload */
  mappingSource?: MappingSource;
  /** says so when the mapping was remembered or corrected */
  mappingNote?: string;
}

/**
 * A commune name that did not resolve to one unit ("which unit did you mean"): send the chosen
 * candidate's code back as `unitChoices[name]` with the next dry run or the commit.
 */
export interface UnitQuestion {
  /** the name as written in the file: the key of `unitChoices` */
  name: string;
  province: string;
  reason: 'ambiguous' | 'not_found';
  message: string;
  /** how many rows wrote it, and the first of them */
  rowCount: number;
  rows: { sheet: string; row: number }[];
  /** current communes within the caller's scope */
  candidates: { code: string; name: string; note?: string }[];
  /** the code chosen with this upload, if any */
  chosen?: string;
}

export interface FileReport {
  fileName: string;
  fileHash: string;
  format: 'csv' | 'xlsx';
  committed: boolean;
  importId: number | null;
  sheets: SheetReport[];
  unitQuestions: UnitQuestion[];
  counts: Record<Outcome, number>;
  created: { villages: string[]; teams: string[] };
  rows: RowOutcome[];
  problems: Problem[];
  /** the shape the reader understood, per sheet: communes → teams → member counts (shown before anything is written) */
  shape: ShapeSheet[];
  /** rows that are not members, skipped and counted */
  skipped: Skipped;
}

/** Rows skipped as not being members, by kind. */
export interface Skipped {
  /** group rows that start a team ("I | Tổ CNSCĐ bản Pọng Chăn") or a commune ("A | Xã Chiềng Mung") */
  groupRows: number;
  /** the column-numbering row under the header ("(1) (2) (3) …") */
  numberingRows: number;
  /** totals ("Tổng cộng: 12") */
  totalsRows: number;
  /** the signature block under the table and everything below it */
  signatureRows: number;
  /** notes and other rows with no name, year or phone */
  notes: number;
  /** hidden rows (each also a warning) */
  hiddenRows: number;
}

/** One sheet as the reader understood it. */
export interface ShapeSheet {
  sheet: string;
  communes: {
    /** the current commune the rows go to, or the name as written when it did not resolve */
    name: string;
    code: string | null;
    /** the name as the file wrote it, when it differs (an old commune, another spelling) */
    written?: string;
    teams: ShapeTeam[];
  }[];
}

export interface ShapeTeam {
  level: 'commune' | 'village';
  name: string;
  village: string | null;
  /** member rows that will be written (new, updated or unchanged) */
  members: number;
  /** member rows of this team refused */
  invalid: number;
  /** the team does not exist yet and is created by the commit */
  isNew: boolean;
}


/** A file of an upload that could not be imported: the error, and for a file without valid rows its report in `details`. */
export interface FileFailure {
  fileName: string;
  error: { code: string; message: string; details?: unknown };
}

/** The answer of POST /api/imports: one entry per file (its report or its error), the totals, and every field with its label. */
export interface ImportAnswer {
  files: (FileReport | FileFailure)[];
  summary: { files: number; failed: number } & Record<Outcome, number>;
  fields: { field: Field; label: string }[];
}

/** The answer of GET /api/imports/limits: the largest file (bytes), most rows per file, most files per upload. */
export interface ImportLimits {
  maxUploadBytes: number;
  maxRows: number;
  maxFiles: number;
}
