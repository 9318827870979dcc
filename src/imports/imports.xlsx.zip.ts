/** The zip container of an .xlsx: its central directory, read without inflating anything. */

/** One member of the zip: where its data starts in the buffer, and how it is stored. */
export interface ZipEntry {
  name: string;
  method: number;
  offset: number;
  compressedSize: number;
}

/**
 * The members of a zip from its central directory (PKWARE APPNOTE 6.3, §4.3.12 and §4.3.16), each
 * located through its local header. Null when the directory is missing or inconsistent (a cut or
 * damaged file). Zip64 and encrypted members count as damaged: a roster never needs them.
 */
export function zipIndex(buf: Buffer): Map<string, ZipEntry> | null {
  let end = -1;
  for (let i = buf.length - 22; i >= Math.max(0, buf.length - 22 - 65535); i--) {
    if (buf.readUInt32LE(i) === 0x06054b50) {
      end = i;
      break;
    }
  }
  if (end < 0) return null;
  const count = buf.readUInt16LE(end + 10);
  let at = buf.readUInt32LE(end + 16);
  const entries = new Map<string, ZipEntry>();
  for (let i = 0; i < count; i++) {
    if (at + 46 > buf.length || buf.readUInt32LE(at) !== 0x02014b50) return null;
    const flags = buf.readUInt16LE(at + 8);
    const method = buf.readUInt16LE(at + 10);
    const compressedSize = buf.readUInt32LE(at + 20);
    const nameLength = buf.readUInt16LE(at + 28);
    const local = buf.readUInt32LE(at + 42);
    const name = buf.toString(flags & 0x800 ? 'utf8' : 'latin1', at + 46, at + 46 + nameLength);
    at += 46 + nameLength + buf.readUInt16LE(at + 30) + buf.readUInt16LE(at + 32);
    if (flags & 1 || compressedSize === 0xffffffff || local + 30 > buf.length || buf.readUInt32LE(local) !== 0x04034b50) return null;
    const offset = local + 30 + buf.readUInt16LE(local + 26) + buf.readUInt16LE(local + 28);
    if (offset + compressedSize > buf.length) return null;
    entries.set(name, { name, method, offset, compressedSize });
  }
  return entries;
}
