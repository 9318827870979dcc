import { getDocument } from 'pdfjs-dist/legacy/build/pdf.mjs';

/** Each page's text of a PDF as pdfjs-dist (a maintained PDF reader) extracts it: items joined, whitespace collapsed, NFC. */
export async function pdfPageTexts(buf: Buffer | Uint8Array): Promise<string[]> {
  const doc = await getDocument({ data: new Uint8Array(buf), useSystemFonts: false, isEvalSupported: false }).promise;
  const pages: string[] = [];
  for (let n = 1; n <= doc.numPages; n++) {
    const page = await doc.getPage(n);
    const items = (await page.getTextContent()).items.flatMap((i) => ('str' in i ? [i.str] : []));
    pages.push(items.join(' ').normalize('NFC').replace(/\s+/g, ' ').trim());
  }
  await doc.destroy();
  return pages;
}
