import { sql } from 'drizzle-orm';
import type { Scope } from '../access/access.policy.js';
import { insertVillages, type UnitRow } from '../catalogue/catalogue.repo.js';
import type { adminUnits } from '../catalogue/catalogue.schema.js';
import { chunks } from '../db/batch.js';
import type { Db } from '../db/client.js';
import * as registry from '../registry/registry.repo.js';
import type { Affiliation, Role } from '../registry/registry.vocabulary.js';
import type { PlannedTeam } from './imports.plan.js';

/**
 * The write stage of an import: what one chunk of planned rows adds to the registry (a batch), and
 * the writer that carries the batches out in the file's transaction, in order, through the
 * registry's and the catalogue's repositories (which check the scope of every write).
 *
 * `now`: each batch is sent as soon as it is planned, while the next chunk is read and planned
 * (the planner then reads from a snapshot of the registry as it was before the import, so what it
 * sees does not depend on how far the writes have got). `later`: the batches are kept and written
 * once every row is planned, the plan having read inside the transaction (one connection: PGlite).
 */

/** Someone a row is: an existing member, or one the batch inserts; `id` is known once written. */
export interface Person {
  existing?: registry.MemberRow;
  id?: number;
}

export interface WriteBatch {
  /** villages to create: the key planned teams refer to them by, and the row */
  villages: { key: string; row: typeof adminUnits.$inferInsert }[];
  /** teams to create; `villageKey` names a village created by this batch or an earlier one */
  teams: { team: PlannedTeam; villageKey: string | null; unitId: number | null; nameKey: string; searchKey: string }[];
  members: { person: Person; row: Parameters<typeof registry.insertMembersBulk>[1][number] }[];
  updates: { id: number; patch: Record<string, unknown> }[];
  /** `joinedOn`: the roster's join date of a new period (null: the import day, see upsertMembershipsBulk) */
  memberships: { team: PlannedTeam; person: Person; role: Role; affiliations: Affiliation[]; position: string | null; joinedOn?: string | null }[];
}

export function emptyBatch(): WriteBatch {
  return { villages: [], teams: [], members: [], updates: [], memberships: [] };
}

export class Writer {
  private chain: Promise<void> = Promise.resolve();
  private started = false;
  private failure: { err: unknown } | null = null;
  private readonly kept: WriteBatch[] = [];
  /** villages created by the import, by their key */
  private readonly villages = new Map<string, UnitRow>();

  constructor(
    private readonly tx: Db,
    private readonly scope: Scope,
    readonly mode: 'now' | 'later',
  ) {}

  /** Sends `batch` after the batches before it (`now`) or keeps it for `done` (`later`). */
  add(batch: WriteBatch): void {
    if (this.mode === 'later') {
      this.kept.push(batch);
      return;
    }
    if (!this.started) {
      this.started = true;
      // PostgreSQL plans a connection's foreign-key checks once and keeps the plan: made while the
      // first chunk's few teams are all the table holds, it scans the table, and every later check
      // reads all the teams the import has added (the memberships of each 5,000 rows took 0.1 s at
      // first and 1.5 s by the end of a 100,000-row file). With sequential scans off in this
      // transaction the kept plan uses the primary key.
      this.chain = this.chain.then(() => this.tx.execute(sql`set local enable_seqscan = off`)).then(() => {});
    }
    // a failed statement aborts the transaction: the batches after it are not sent, and `done` rethrows
    this.chain = this.chain.then(() => (this.failure ? undefined : this.write(batch))).catch((err: unknown) => {
      this.failure ??= { err };
    });
  }

  /**
   * Sends no more batches and waits for the one being written, whatever its outcome: called before
   * the transaction ends on any path, so that no statement of the import runs after it.
   */
  async stop(): Promise<void> {
    this.kept.length = 0;
    this.failure ??= { err: new Error('import stopped') };
    await this.chain;
  }

  /** Resolves once every batch is written; rejects with the first failure. */
  async done(): Promise<void> {
    // one batch of all, in the order a whole-file plan writes: every team exists before any membership
    if (this.kept.length) await this.write(merged(this.kept.splice(0)));
    await this.chain;
    if (this.failure) throw this.failure.err;
  }

  private async write(b: WriteBatch): Promise<void> {
    const { tx, scope } = this;
    // PostgreSQL takes at most 65,535 parameters a statement: villages and teams go in chunks
    for (const part of chunks(b.villages, 2000)) {
      const inserted = await insertVillages(tx, part.map((v) => v.row), scope);
      inserted.forEach((v, i) => this.villages.set(part[i].key, v));
    }
    for (const part of chunks(b.teams, 2000)) {
      const rows = part.map(({ team: t, villageKey, unitId, nameKey, searchKey }) => ({
        level: t.level,
        unitId: unitId ?? this.villages.get(villageKey!)!.id,
        communeId: t.commune.id,
        provinceCode: t.commune.provinceCode!,
        name: t.name,
        nameKey,
        searchKey,
      }));
      const ids = await registry.insertTeams(tx, rows, scope);
      ids.forEach((id, i) => (part[i].team.id = id));
    }
    for (const part of chunks(b.members, 5000)) {
      const ids = await registry.insertMembersBulk(tx, part.map((m) => m.row));
      ids.forEach((id, i) => (part[i].person.id = id));
    }
    for (const u of b.updates) await registry.updateMember(tx, u.id, u.patch, scope);
    for (const part of chunks(b.memberships, 5000)) {
      await registry.upsertMembershipsBulk(
        tx,
        part.map((m) => ({ teamId: m.team.id!, memberId: m.person.id ?? m.person.existing!.id, role: m.role, affiliations: m.affiliations, position: m.position, joinedOn: m.joinedOn ?? undefined })),
        scope,
      );
    }
  }
}

/** The batches as one, in order. */
function merged(batches: WriteBatch[]): WriteBatch {
  const all = emptyBatch();
  for (const b of batches) {
    for (const key of Object.keys(all) as (keyof WriteBatch)[]) (all[key] as unknown[]).push(...b[key]);
  }
  return all;
}
