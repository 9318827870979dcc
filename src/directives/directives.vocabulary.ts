/** The directives' words, shared by the server, the office pages and the field app (no validation library here: the field app bundles it). */
/**
 * A directive's body (plain text) as blocks: a blank line separates them; a block whose every line
 * starts with "- " (or • *) is a list. The one reading shared by the public page, the office and
 * the phone, so the body reads the same everywhere; the text itself never becomes markup.
 */
export function bodyBlocks(text: string): ({ kind: 'p'; lines: string[] } | { kind: 'ul'; items: string[] })[] {
  return text.split(/\n\s*\n/).map((block) => {
    const lines = block.split('\n').map((l) => l.trim()).filter(Boolean);
    return lines.length && lines.every((l) => /^[-•*]\s+/.test(l)) ? { kind: 'ul' as const, items: lines.map((l) => l.replace(/^[-•*]\s+/, '')) } : { kind: 'p' as const, lines };
  });
}

export const PRIORITIES = { normal: 'Thường', high: 'Khẩn', urgent: 'Hỏa tốc' } as const;
export type Priority = keyof typeof PRIORITIES;
/** How a team passed a directive on to households (the seed: a Zalo group of 400+ households, the loudspeaker, a village meeting, door to door). */
export const PASS_ON_CHANNELS = { zalo_group: 'Nhóm Zalo', loudspeaker: 'Loa truyền thanh', meeting: 'Họp thôn/bản', door_to_door: 'Đến từng hộ', other: 'Cách khác' } as const;
export type PassOnChannel = keyof typeof PASS_ON_CHANNELS;
export const ACK_STATUSES = { read: 'Đã đọc', will_do: 'Sẽ thực hiện', done: 'Đã hoàn thành' } as const;
export type AckStatus = keyof typeof ACK_STATUSES;
