import { createHash } from 'node:crypto';
import sharp from 'sharp';
import { AppError } from '../http/errors.js';

/**
 * Attachments of a directive (issue 15, item 1): PDFs and images, checked by their content, not
 * their name. A PDF is kept as sent (its bytes are the document) and marked when it carries
 * scripts or launch actions (/JavaScript, /JS, /Launch, /OpenAction, /AA): it is always served as a
 * download, never rendered inline. An image is decoded and re-encoded by sharp (libvips), which
 * drops whatever rode along (metadata, appended payloads, polyglots); an image that does not decode
 * or is too large in pixels is refused. Anything else (SVG, Office files, executables) is refused.
 */
export const MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024;
export const MAX_ATTACHMENTS = 5;
const MAX_PIXELS = 40_000_000;

export interface CheckedAttachment {
  name: string;
  mediaType: 'application/pdf' | 'image/jpeg' | 'image/png';
  data: Buffer;
  sha256: string;
  flags: string[];
}

const kindOf = (b: Buffer): 'pdf' | 'jpeg' | 'png' | 'webp' | null => {
  if (b.subarray(0, 5).toString('latin1') === '%PDF-') return 'pdf';
  if (b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff) return 'jpeg';
  if (b.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))) return 'png';
  if (b.subarray(0, 4).toString('latin1') === 'RIFF' && b.subarray(8, 12).toString('latin1') === 'WEBP') return 'webp';
  return null;
};
const EXTENSIONS: Record<string, string[]> = { pdf: ['pdf'], jpeg: ['jpg', 'jpeg'], png: ['png'], webp: ['webp'] };

/** A safe file name: NFC, no path, no control characters, at most 120 characters. */
function cleanName(name: string): string {
  const base = name.normalize('NFC').split(/[\\/]/).pop() ?? 'tep';
  return base.replace(/[\u0000-\u001f\u007f-\u009f\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff"<>|:*?]/g, '').trim().slice(0, 120) || 'tep';
}

/**
 * Checks one uploaded file. → what to store. Errors: ATTACHMENT_TOO_LARGE (over 10 MB),
 * ATTACHMENT_REFUSED (not a PDF, JPEG, PNG or WebP by its content; a name whose extension says
 * another kind; an image that does not decode or exceeds 40 megapixels).
 */
export async function checkAttachment(name: string, data: Buffer): Promise<CheckedAttachment> {
  const clean = cleanName(name);
  if (data.length > MAX_ATTACHMENT_BYTES) throw new AppError('ATTACHMENT_TOO_LARGE', `Tệp "${clean}" lớn hơn 10 MB; hãy nén hoặc tách tệp.`, { path: 'files' });
  const kind = kindOf(data);
  if (!kind) throw new AppError('ATTACHMENT_REFUSED', `Tệp "${clean}" không phải PDF hay ảnh (JPEG, PNG, WebP); chỉ nhận các loại này.`, { path: 'files' });
  const ext = clean.includes('.') ? clean.split('.').pop()!.toLowerCase() : '';
  if (ext && !EXTENSIONS[kind].includes(ext)) throw new AppError('ATTACHMENT_REFUSED', `Tệp "${clean}" mang đuôi .${ext} nhưng nội dung là ${kind.toUpperCase()}; hãy gửi đúng tệp.`, { path: 'files' });
  if (kind === 'pdf') {
    // PDF names may hide letters as #xx escapes (/J#61vaScript is /JavaScript): read them as written out
    const text = data.toString('latin1').replace(/#([0-9a-fA-F]{2})/g, (_, h: string) => String.fromCharCode(parseInt(h, 16)));
    const flags = /\/(JavaScript|JS|Launch|OpenAction|AA|EmbeddedFile)\b/.test(text) ? ['pdf_active_content'] : [];
    return { name: clean, mediaType: 'application/pdf', data, sha256: createHash('sha256').update(data).digest('hex'), flags };
  }
  let out: Buffer;
  let mediaType: 'image/jpeg' | 'image/png';
  try {
    const img = sharp(data, { limitInputPixels: MAX_PIXELS, failOn: 'error' }).rotate();
    if (kind === 'png') {
      out = await img.png().toBuffer();
      mediaType = 'image/png';
    } else {
      out = await img.jpeg({ quality: 85, mozjpeg: true }).toBuffer();
      mediaType = 'image/jpeg';
    }
  } catch (err) {
    throw new AppError('ATTACHMENT_REFUSED', `Ảnh "${clean}" không đọc được hoặc quá lớn (tối đa 40 triệu điểm ảnh): ${(err as Error).message.slice(0, 120)}`, { path: 'files' });
  }
  const finalName = kind === 'webp' ? clean.replace(/\.webp$/i, '.jpg') : clean;
  return { name: finalName, mediaType, data: out, sha256: createHash('sha256').update(out).digest('hex'), flags: ['reencoded'] };
}
