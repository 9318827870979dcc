/**
 * The messages' wording, one template per purpose (issue 15: "templates respected"). SMS under a
 * brandname must match a template registered with the carriers through the aggregator, and ZNS
 * templates are approved by Zalo, so the wording changes only together with those registrations;
 * the parameters are the same for every channel (ZNS receives them as its template data).
 */
export const TEMPLATES = {
  /** a directive reached the team */
  'directive.new': { params: ['issuer', 'title', 'deadline', 'link'], text: (p: Record<string, string>) => `[Ngõ Số] ${p.issuer} gửi chỉ đạo: ${p.title}.${p.deadline ? ` Hạn ${p.deadline}.` : ''} Xem: ${p.link}` },
  /** "nhắc lại": a directive not yet done */
  'directive.remind': { params: ['issuer', 'title', 'deadline', 'link'], text: (p: Record<string, string>) => `[Ngõ Số] Nhắc: chỉ đạo "${p.title}" của ${p.issuer} chưa báo cáo hoàn thành.${p.deadline ? ` Hạn ${p.deadline}.` : ''} Xem: ${p.link}` },
  /** a resident asked the team for help (issue 16) */
  'help.new': { params: ['title', 'place', 'link'], text: (p: Record<string, string>) => `[Ngõ Số] Người dân ở ${p.place} nhờ hỗ trợ: ${p.title}. Nhận việc: ${p.link}` },
  /** a request not accepted in time, to the commune's officers */
  'help.overdue': { params: ['title', 'place', 'link'], text: (p: Record<string, string>) => `[Ngõ Số] Yêu cầu hỗ trợ ở ${p.place} (${p.title}) quá hạn chưa có ai nhận. Xem: ${p.link}` },
} as const;

export type TemplateName = keyof typeof TEMPLATES;

/** SMS length cap: titles are cut so a message stays within 3 concatenated Unicode SMS (≈ 200 characters). */
const MAX_TEXT = 200;

/** The message of a template in words. Errors: Error for an unknown template or a missing parameter (a programming error). */
export function renderTemplate(name: string, params: Record<string, string>): string {
  const t = TEMPLATES[name as TemplateName];
  if (!t) throw new Error(`unknown message template ${name}`);
  for (const p of t.params) if (params[p] === undefined) throw new Error(`template ${name} needs ${p}`);
  const text = t.text(params);
  if (text.length <= MAX_TEXT) return text;
  const over = text.length - MAX_TEXT;
  return t.text({ ...params, title: `${[...params.title].slice(0, Math.max(10, [...params.title].length - over - 1)).join('')}…` });
}
