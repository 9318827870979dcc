// The residents' pages' one script (issue 16): the pages work without it; it adds the live
// "còn N ký tự" counter of the comment form, counted by the same function as the server
// (portal/portal.rules.ts over text/measure.ts), and sends old office bookmarks ("/#/bao-cao/14")
// on to the office UI, which moved to /office/.
import { checkComment, counterText } from '../../portal/portal.rules.js';

if (location.hash.startsWith('#/')) location.replace(`/office/${location.hash}`);

for (const area of Array.from(document.querySelectorAll<HTMLTextAreaElement>('textarea[data-counter]'))) {
  const out = document.getElementById(area.dataset.counter!);
  if (!out) continue;
  // the counter only reads the text: it never changes the value or limits typing, so Telex/VNI
  // composition (which rewrites the word being typed) is never interrupted; during a composition
  // it waits for the composed text
  let composing = false;
  const show = () => {
    if (composing) return;
    const c = counterText(area.value);
    out.textContent = c.text;
    out.className = `counter ${c.state}`;
  };
  area.addEventListener('compositionstart', () => (composing = true));
  area.addEventListener('compositionend', () => {
    composing = false;
    show();
  });
  area.addEventListener('input', show);
  show();
  area.form?.addEventListener('submit', (e) => {
    const c = checkComment(area.value);
    if (!c.ok) {
      e.preventDefault();
      out.textContent = c.reason;
      out.className = 'counter over';
      area.focus();
    }
  });
}
