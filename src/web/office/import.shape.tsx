// The shape a roster import understood, shown first in each file's report: communes → teams →
// member counts, and the rows skipped as not members (the summary line is the CLI's too).
import type { FileReport, ShapeSheet, ShapeTeam } from '../../imports/imports.report.js';
import { shapeSummary, writtenOtherwise } from '../../imports/imports.labels.js';
import { num } from '../shared/format.js';

/** Beyond this many teams in a sheet, each commune's team list is folded under its commune line. */
const MAX_OPEN_TEAMS = 20;

type Commune = ShapeSheet['communes'][number];

/** "Xã Chiềng Mung (từ "Mường Bon" trong tệp) — 14 tổ, 87 thành viên", with the refused rows in red. */
function CommuneLine({ c }: { c: Commune }) {
  const members = c.teams.reduce((n, t) => n + t.members, 0);
  const invalid = c.teams.reduce((n, t) => n + t.invalid, 0);
  return (
    <>
      <strong class="shape-commune-name">{c.name}</strong>
      {c.code ? null : (
        <>
          {' '}
          <span class="badge badge-error">chưa xác định được xã</span>
        </>
      )}
      {writtenOtherwise(c) ? <span class="shape-written">{` (từ "${c.written}" trong tệp)`}</span> : null}
      {` — ${num(c.teams.length)} tổ, ${num(members)} thành viên`}
      {invalid ? (
        <>
          {', '}
          <span class="shape-invalid">{`${num(invalid)} dòng bị từ chối`}</span>
        </>
      ) : null}
    </>
  );
}

/** One team of the shape: level, name, member count, "mới", refused rows in red. */
function TeamItem({ t }: { t: ShapeTeam }) {
  return (
    <li class={`shape-team shape-team-${t.level}`}>
      <span class="shape-level">{t.level === 'commune' ? 'Cấp xã' : 'Cấp thôn'}</span>{' '}
      <span class="shape-team-name">{t.name}</span>
      {` — ${num(t.members)} thành viên`}
      {t.isNew ? (
        <>
          {' '}
          <span class="badge badge-new">mới</span>
        </>
      ) : null}
      {t.invalid ? (
        <>
          {' · '}
          <span class="shape-invalid">{`${num(t.invalid)} dòng bị từ chối`}</span>
        </>
      ) : null}
    </li>
  );
}

/**
 * The shape the server understood, before anything is written: a one-line summary, then per sheet
 * the communes with their teams (commune-level team first). Big sheets fold each commune's teams
 * into a closed <details>, so a long file does not make a long page.
 */
export function ShapeView({ r }: { r: FileReport }) {
  const sheets = (r.shape ?? []).filter((s) => s.communes.length);
  const named = r.sheets.length > 1 || r.format === 'xlsx';
  return (
    <section class="shape" aria-label="Cấu trúc danh sách đọc được">
      <p class="shape-summary">{shapeSummary(r)}</p>
      {sheets.map((s) => {
        const fold = s.communes.reduce((n, c) => n + c.teams.length, 0) > MAX_OPEN_TEAMS;
        return (
          <div class="shape-sheet" data-sheet={s.sheet} key={s.sheet}>
            {named ? <p class="shape-sheet-name">{`Trang tính "${s.sheet}"`}</p> : null}
            <ul class="shape-tree">
              {s.communes.map((c, i) => {
                const teams = [...c.teams].sort((a, b) => (a.level === b.level ? 0 : a.level === 'commune' ? -1 : 1));
                const list = (
                  <ul class="shape-teams">
                    {teams.map((t, j) => (
                      <TeamItem t={t} key={j} />
                    ))}
                  </ul>
                );
                return (
                  <li class="shape-commune" data-code={c.code ?? ''} key={`${c.code ?? ''}|${c.name}|${i}`}>
                    {fold ? (
                      <details>
                        <summary>
                          <CommuneLine c={c} />
                        </summary>
                        {list}
                      </details>
                    ) : (
                      <>
                        <div class="shape-commune-line">
                          <CommuneLine c={c} />
                        </div>
                        {list}
                      </>
                    )}
                  </li>
                );
              })}
            </ul>
          </div>
        );
      })}
    </section>
  );
}
