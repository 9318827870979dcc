// The map as a standalone SVG for a report (issue 17, "Export"): title, the measure and period,
// the shapes in their class colours, the legend, and the boundaries' credit line. The PNG is this
// SVG drawn on a canvas at twice the size (map.tsx).

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** Splits a line of text into lines of at most `max` characters, at spaces. */
function wrap(text: string, max: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/)) {
    if (line && (line + ' ' + word).length > max) {
      lines.push(line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  if (line) lines.push(line);
  return lines;
}

/**
 * The SVG text and its size in px: `shapes` (SVG path data in a `width` × `height` frame, fill
 * colour, name as a <title>), `legend` (colour and label), a title, a subtitle (measure · period)
 * and the credit line.
 */
export function mapSvg(m: { title: string; subtitle: string; width: number; height: number; shapes: { d: string; fill: string; name: string }[]; legend: { colour: string; label: string }[]; credit: string }): { text: string; width: number; height: number } {
  const font = `font-family="Noto Sans, Arial, Helvetica, sans-serif"`;
  const titleLines = wrap(m.title, 60);
  const subLines = wrap(m.subtitle, 80);
  const head = 16 + titleLines.length * 24 + subLines.length * 18 + 8;
  const legendTop = head + m.height + 8;
  const creditLines = wrap(m.credit, 110);
  const height = legendTop + m.legend.length * 20 + 8 + creditLines.length * 14 + 12;
  const parts = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${m.width}" height="${height}" viewBox="0 0 ${m.width} ${height}">`,
    `<rect width="100%" height="100%" fill="#ffffff"/>`,
    ...titleLines.map((l, i) => `<text x="12" y="${34 + i * 24}" ${font} font-size="19" font-weight="700" fill="#1a1a1a">${esc(l)}</text>`),
    ...subLines.map((l, i) => `<text x="12" y="${34 + titleLines.length * 24 + i * 18}" ${font} font-size="14" fill="#333333">${esc(l)}</text>`),
    `<g transform="translate(0 ${head})" stroke="#ffffff" stroke-width="0.6" stroke-linejoin="round">`,
    ...m.shapes.map((s) => `<path d="${s.d}" fill="${s.fill}"><title>${esc(s.name)}</title></path>`),
    `</g>`,
    ...m.legend.map((l, i) => `<rect x="12" y="${legendTop + i * 20}" width="18" height="12" fill="${l.colour}" stroke="#666666" stroke-width="0.5"/><text x="38" y="${legendTop + i * 20 + 11}" ${font} font-size="13" fill="#1a1a1a">${esc(l.label)}</text>`),
    ...creditLines.map((l, i) => `<text x="12" y="${legendTop + m.legend.length * 20 + 14 + i * 14}" ${font} font-size="10" fill="#555555">${esc(l)}</text>`),
    `</svg>`,
  ];
  return { text: parts.join('\n'), width: m.width, height };
}
