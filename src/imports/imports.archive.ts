import JSZip from 'jszip';
import { AppError } from '../http/errors.js';

/**
 * A .zip of roster files (a district's communes sent together) opened into its files, with limits
 * against zip bombs: at most MAX_ENTRIES spreadsheet entries, each at most `maxBytes` and all
 * together at most 5 × `maxBytes` once uncompressed, checked while inflating. An .xlsx is also a
 * zip: callers pass only zips that are not workbooks (no `[Content_Types].xml`).
 */
export const MAX_ENTRIES = 200;

export async function isWorkbookZip(data: Buffer): Promise<boolean> {
  try {
    const zip = await JSZip.loadAsync(data);
    return zip.file('[Content_Types].xml') !== null;
  } catch {
    return true; // let the spreadsheet reader explain what is wrong with it
  }
}

export async function openArchive(name: string, data: Buffer, maxBytes: number): Promise<{ name: string; data: Buffer }[]> {
  let zip: JSZip;
  try {
    zip = await JSZip.loadAsync(data);
  } catch (err) {
    throw new AppError('IMPORT_FILE_UNREADABLE', `Không mở được tệp nén "${name}" (${(err as Error).message.slice(0, 100)}). Hãy nén lại các tệp danh sách rồi tải lên lại.`);
  }
  const entries = Object.values(zip.files).filter((f) => !f.dir && /\.(csv|xlsx|txt)$/i.test(f.name) && !/(^|\/)(__MACOSX|\.)/.test(f.name));
  if (entries.length === 0) throw new AppError('IMPORT_FILE_UNREADABLE', `Tệp nén "${name}" không có tệp .xlsx hoặc .csv nào.`);
  if (entries.length > MAX_ENTRIES) throw new AppError('IMPORT_TOO_MANY_FILES', `Tệp nén "${name}" có ${entries.length} tệp; tối đa ${MAX_ENTRIES} tệp mỗi lần.`);
  const files: { name: string; data: Buffer }[] = [];
  let total = 0;
  for (const entry of entries.sort((a, b) => a.name.localeCompare(b.name))) {
    // inflate as a stream and stop as soon as a limit is passed: the sizes in the zip header may lie
    const chunks: Buffer[] = [];
    let size = 0;
    await new Promise<void>((resolve, reject) => {
      const stream = entry.nodeStream('nodebuffer');
      stream.on('data', (chunk: Buffer) => {
        size += chunk.length;
        total += chunk.length;
        if (size > maxBytes || total > 5 * maxBytes) {
          (stream as unknown as { destroy?: () => void }).destroy?.();
          reject(new AppError('IMPORT_FILE_TOO_LARGE', `Tệp nén "${name}" giải nén ra quá lớn (${entry.name} hoặc tổng dung lượng vượt giới hạn); có thể là tệp nén độc hại. Không ghi gì.`));
          return;
        }
        chunks.push(chunk);
      });
      stream.on('end', () => resolve());
      stream.on('error', (err: Error) => reject(new AppError('IMPORT_FILE_UNREADABLE', `Tệp "${entry.name}" trong "${name}" bị hỏng (${err.message.slice(0, 80)}).`)));
    });
    files.push({ name: `${name}/${entry.name}`, data: Buffer.concat(chunks) });
  }
  return files;
}

const ZIP = [0x50, 0x4b, 0x03, 0x04];

/** Replaces every .zip of roster files in `files` by the files inside it (workbooks stay as they are). */
export async function expandArchives(files: { name: string; data: Buffer }[], maxBytes: number): Promise<{ name: string; data: Buffer }[]> {
  const out: { name: string; data: Buffer }[] = [];
  for (const f of files) {
    const zipped = ZIP.every((b, i) => f.data[i] === b);
    if (zipped && !(await isWorkbookZip(f.data))) out.push(...(await openArchive(f.name, f.data, maxBytes)));
    else out.push(f);
  }
  return out;
}
