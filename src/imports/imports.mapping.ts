import { createHash } from 'node:crypto';
import { z } from 'zod';
import { AppError } from '../http/errors.js';
import { searchKey } from '../text/vietnamese.js';
import { FIELDS, type ColumnMapping, type Field } from './imports.columns.js';
import { columnLetter } from './imports.labels.js';
import { MAX_COLUMNS } from './imports.reader.js';

/**
 * Corrections of the column mapping. An officer sees the mapping the import found for each sheet
 * (header cell → field), corrects it, and sends the correction with the next upload as the
 * multipart field `mapping`: {"<sheet name>": {"<column index, 0 = first column>": "<field>" | null}}.
 * Columns not listed keep the mapping found; null means "ignore this column". A committed
 * correction is remembered per header shape (`shapeKeyOf`) and applied to the next file whose
 * header has the same cells.
 */
export type SheetMapping = Record<number, Field | null>;
export type MappingOverride = Record<string, SheetMapping>;

/** Where a sheet's mapping came from: found by header names, remembered from an earlier correction, or sent with the upload. */
export type MappingSource = 'auto' | 'saved' | 'override';

/** Longest accepted `mapping` field (JSON text). */
export const MAX_MAPPING_JSON = 64 * 1024;
/** Most names in one `unitChoices` field. */
export const MAX_UNIT_CHOICES = 500;

const FIELD_NAMES = Object.keys(FIELDS) as [Field, ...Field[]];
const FIELD_LIST = FIELD_NAMES.map((f) => `"${f}" (${FIELDS[f]})`).join(', ');
const EXAMPLE = '{"Tên trang tính": {"4": "fullName", "7": "phone", "9": null}}';

/** "cột 7 (cột H)": how messages name a column index. */
const columnName = (index: number) => `cột số ${index} (cột ${columnLetter(index)} trong Excel)`;

/**
 * The shape of a header: sha-256 (hex) of its cells as search keys (blind to accents, case,
 * spacing), trailing empty cells dropped. Two files whose header rows read the same get the same key.
 */
export function shapeKeyOf(headers: string[]): string {
  const cells = headers.map((h) => searchKey(h));
  while (cells.length && !cells[cells.length - 1]) cells.pop();
  return createHash('sha256').update(JSON.stringify(cells)).digest('hex');
}

const fieldSchema = z
  .enum(FIELD_NAMES, { error: (iss) => `${JSON.stringify(iss.input)} không phải tên trường đã biết. Dùng một trong: ${FIELD_LIST}; hoặc null để bỏ qua cột` })
  .nullable();
/** One sheet's correction: column index ("0" = first column) → field name or null (ignore the column). */
export const sheetMappingSchema = z.record(z.string().regex(new RegExp(`^(?:0|[1-9]\\d{0,${String(MAX_COLUMNS).length - 1}})$`)), fieldSchema, {
  error: (iss) =>
    iss.code === 'invalid_key'
      ? `${JSON.stringify(iss.input)} không phải số thứ tự cột. Ghi số thứ tự cột tính từ 0 (cột A là "0", cột B là "1", …, tối đa ${MAX_COLUMNS - 1})`
      : 'phải là một đối tượng {"số thứ tự cột": "tên trường" hoặc null}',
});
/** The `mapping` field: sheet name → (column index → field or null). */
export const mappingOverrideSchema = z.record(z.string().min(1).max(200), sheetMappingSchema, { error: () => `phải là một đối tượng JSON dạng ${EXAMPLE}` });

/** The `unitChoices` field: the unit name as written in the file → the code of the current commune meant (5 digits). */
export const unitChoicesSchema = z.record(
  z.string().min(1).max(200),
  z.string({ error: 'phải là mã xã/phường (chuỗi 5 chữ số)' }).regex(/^\d{5}$/, { error: (iss) => `"${String(iss.input)}" không phải mã xã/phường (5 chữ số, ví dụ "03664")` }),
  { error: () => 'phải là một đối tượng JSON dạng {"Tên xã như ghi trong tệp": "mã xã/phường"}' },
);
export type UnitChoices = z.infer<typeof unitChoicesSchema>;

function parseJsonField(name: string, text: string, maxLength: number, example: string): unknown {
  if (text.length > maxLength) throw new AppError('IMPORT_MAPPING_INVALID', `Trường "${name}" dài ${text.length.toLocaleString('vi-VN')} ký tự, vượt giới hạn ${maxLength.toLocaleString('vi-VN')}. Chỉ gửi các cột hoặc tên cần sửa.`);
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new AppError('IMPORT_MAPPING_INVALID', `Trường "${name}" không phải JSON hợp lệ (${(err as Error).message.slice(0, 120)}). Hãy gửi dạng ${example}. Chưa ghi gì.`);
  }
}

function zodMessage(name: string, issues: z.core.$ZodIssue[], where: (path: PropertyKey[]) => string): string {
  const parts = issues.slice(0, 5).map((i) => `${where(i.path)}${i.message}`);
  return `Trường "${name}" không hợp lệ — ${parts.join('; ')}${issues.length > 5 ? `; và ${issues.length - 5} lỗi khác` : ''}. Chưa ghi gì.`;
}

/**
 * Parses and checks the `mapping` field of an upload (JSON text). Returns sheet → (column →
 * field|null). Errors: IMPORT_MAPPING_INVALID (400) for malformed JSON, a value that is not an
 * object, a column that is not an index, an unknown field name, or one field on two columns.
 */
export function parseMappingOverride(text: string): MappingOverride {
  const parsed = mappingOverrideSchema.safeParse(parseJsonField('mapping', text, MAX_MAPPING_JSON, EXAMPLE));
  if (!parsed.success) {
    throw new AppError(
      'IMPORT_MAPPING_INVALID',
      zodMessage('mapping', parsed.error.issues, (p) => (p.length === 0 ? '' : p.length === 1 ? `trang tính "${String(p[0])}": ` : `trang tính "${String(p[0])}", ${/^\d+$/.test(String(p[1])) ? columnName(Number(p[1])) : `khoá ${JSON.stringify(p[1])}`}: `)),
      { issues: parsed.error.issues.map((i) => ({ path: i.path.map(String), message: i.message })) },
    );
  }
  return Object.fromEntries(Object.entries(parsed.data).map(([sheet, columns]) => [sheet, sheetMapping(columns, `trang tính "${sheet}"`)]));
}

/**
 * One sheet's correction with numeric column indexes. Errors: IMPORT_MAPPING_INVALID when one
 * field is given to two columns (`where` names the sheet in the message).
 */
export function sheetMapping(columns: Record<string, Field | null>, where: string): SheetMapping {
  const mapping: SheetMapping = {};
  const seen = new Map<Field, number>();
  for (const [col, field] of Object.entries(columns)) {
    const index = Number(col);
    if (field) {
      if (seen.has(field)) {
        throw new AppError('IMPORT_MAPPING_INVALID', `Cách ghép cột không hợp lệ — ${where}: "${FIELDS[field]}" được ghép cho hai cột (${columnName(seen.get(field)!)} và ${columnName(index)}). Mỗi trường chỉ ghép cho một cột; đặt cột thừa là null. Chưa ghi gì.`);
      }
      seen.set(field, index);
    }
    mapping[index] = field;
  }
  return mapping;
}

/**
 * Parses and checks the `unitChoices` field of an upload (JSON text): {name as written: commune
 * code}. Errors: IMPORT_MAPPING_INVALID (400) for malformed JSON, too many names, or a value that
 * is not a 5-digit code. Whether each code is a current commune in the caller's scope is checked
 * by the import service.
 */
export function parseUnitChoices(text: string): UnitChoices {
  const example = '{"Chiềng Chung": "04129"}';
  const parsed = unitChoicesSchema.safeParse(parseJsonField('unitChoices', text, MAX_MAPPING_JSON, example));
  if (!parsed.success) throw new AppError('IMPORT_MAPPING_INVALID', zodMessage('unitChoices', parsed.error.issues, (p) => (p.length ? `tên "${String(p[0])}": ` : '')));
  if (Object.keys(parsed.data).length > MAX_UNIT_CHOICES) throw new AppError('IMPORT_MAPPING_INVALID', `Trường "unitChoices" có ${Object.keys(parsed.data).length} tên, tối đa ${MAX_UNIT_CHOICES} mỗi lần gửi. Chưa ghi gì.`);
  return parsed.data;
}

/** A sheet's mapping in full: one entry per header column, field or null. */
export function fullMapping(columns: ColumnMapping['columns'], width: number): SheetMapping {
  const out: SheetMapping = {};
  for (let i = 0; i < width; i++) out[i] = null;
  for (const [field, col] of Object.entries(columns) as [Field, number][]) if (col < width) out[col] = field;
  return out;
}

/**
 * Applies a remembered mapping (whole) or an officer's correction (listed columns only; a field
 * moved to a listed column leaves the column it had) to the mapping found. `where` names the
 * sheet in messages. Errors: IMPORT_MAPPING_INVALID when a column index lies beyond the header,
 * or when no column is left as "Họ và tên".
 */
export function applyMapping(found: ColumnMapping, width: number, change: { kind: 'saved' | 'override'; mapping: SheetMapping }, where: string): ColumnMapping {
  const columns: ColumnMapping['columns'] = change.kind === 'saved' ? {} : { ...found.columns };
  const entries = Object.entries(change.mapping).map(([c, f]) => [Number(c), f] as const);
  for (const [index] of entries) {
    if (index >= width) {
      throw new AppError('IMPORT_MAPPING_INVALID', `Cách ghép cột của ${where} không hợp lệ: ${columnName(index)} không có — hàng tiêu đề chỉ có ${width} cột (số thứ tự 0 đến ${width - 1}). Hãy chạy thử lại rồi chọn theo bảng ghép cột mới. Chưa ghi gì.`);
    }
  }
  if (change.kind === 'override') {
    // the listed columns are decided here: their old fields leave them, and the fields they get leave other columns
    const listed = new Set(entries.map(([i]) => i));
    const given = new Set(entries.map(([, f]) => f).filter(Boolean));
    for (const [field, col] of Object.entries(columns) as [Field, number][]) if (listed.has(col) || given.has(field)) delete columns[field];
  }
  for (const [index, field] of entries) if (field && FIELDS[field] !== undefined) columns[field] = index;
  if (columns.fullName === undefined) {
    throw new AppError('IMPORT_MAPPING_INVALID', `Cách ghép cột của ${where} không hợp lệ: không còn cột nào ghép với "${FIELDS.fullName}". Hãy chọn cột ghi họ tên thành viên. Chưa ghi gì.`);
  }
  return { ...found, columns };
}
