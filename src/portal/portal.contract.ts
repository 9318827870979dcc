import { z } from 'zod';
import { freeText } from '../http/zod.js';

/**
 * Request bodies of the portal's office API, shared with the office UI's forms (the same messages
 * on both sides). An article's body is Markdown (portal.content.ts renders and sanitizes it).
 */
export const articleBody = z.object({
  /** the site: a province or commune code; default the officer's own unit */
  unit: z.string().regex(/^\d{2}$|^\d{5}$/).optional(),
  kind: z.enum(['news', 'guide']),
  serviceCode: z.string().min(1).max(40).optional(),
  title: freeText(200, 'Tiêu đề', { oneLine: true }).refine((s) => s.length > 0, 'Bài cần có tiêu đề.'),
  summary: freeText(400, 'Tóm tắt', { oneLine: true }).optional(),
  body: z.string().max(100_000, 'Nội dung dài quá 100.000 ký tự.').refine((s) => s.trim().length > 0, 'Bài cần có nội dung.'),
  status: z.enum(['draft', 'published', 'withdrawn']).default('draft'),
  commentsOpen: z.boolean().default(true),
});
export type ArticleBody = z.infer<typeof articleBody>;

/** An officer's decision on a comment: approve (publish), hide, or hide and block its author for `days`. */
export const moderationBody = z.object({
  action: z.enum(['approve', 'hide', 'block']),
  days: z.number().int().min(1).max(365).optional(),
  reason: freeText(300, 'Lý do', { oneLine: true }).optional(),
});

/** A site's moderation mode. */
export const siteBody = z.object({ unit: z.string().regex(/^\d{2}$|^\d{5}$/).optional(), moderation: z.enum(['pre', 'post']) });

/** Words that hold comments for review on a site (replaces the site's own list). */
export const bannedWordsBody = z.object({ unit: z.string().regex(/^\d{2}$|^\d{5}$/).optional(), words: z.array(freeText(60, 'Từ cấm', { oneLine: true })).max(500) });
