/** Text into HTML: the five characters that could open markup or an attribute, escaped. For the server-rendered public pages (no template engine). */
export const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
