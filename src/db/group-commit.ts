/**
 * Group commit: jobs submitted while a group is being written wait, and are then written together
 * in one call of `write` (one transaction for all of them), so concurrent writers of the same rows
 * (a province's rollup of today, which every sync adds to) take turns once per group instead of
 * once per request, and each transaction's fixed cost (locks, round trips, the commit's WAL flush)
 * is paid once per group. PostgreSQL does the same for its own WAL flushes (`commit_delay`); this
 * does it one level up, for the application's transactions.
 *
 * No waiting is added: a job submitted while nothing is being written starts at once; jobs arriving
 * meanwhile form the next group (at most `maxSize` units, counted by `sizeOf`; a larger job goes
 * alone). At most `concurrency` groups (default 1) are written at once; a job for which `alone`
 * holds (one big enough to amortise a transaction by itself) skips the queue and is written at
 * once, in parallel with the groups. When a group fails, each of its jobs is written again alone, one after another, so a job
 * that cannot be written fails alone (its promise rejects with its own error) and the others
 * succeed. `write` must therefore be all-or-nothing (one transaction) and answer one result per job,
 * in order.
 */
export class GroupCommit<J, R> {
  private readonly pending: { job: J; size: number; resolve: (r: R) => void; reject: (err: unknown) => void }[] = [];
  private running = 0;

  constructor(
    private readonly write: (jobs: J[]) => Promise<R[]>,
    private readonly opts: { maxSize: number; sizeOf: (job: J) => number; concurrency?: number; alone?: (job: J) => boolean },
  ) {}

  /** Queues a job; resolves with its result once its group has committed, rejects with its own error. */
  submit(job: J): Promise<R> {
    // a job big enough to be its own group is written at once, beside the groups
    if (this.opts.alone?.(job)) return this.write([job]).then(([r]) => r);
    return new Promise<R>((resolve, reject) => {
      this.pending.push({ job, size: this.opts.sizeOf(job), resolve, reject });
      if (this.running < (this.opts.concurrency ?? 1)) void this.drain();
    });
  }

  /** Jobs waiting for the next group. */
  get waiting(): number {
    return this.pending.length;
  }

  /** Groups written and the jobs they held, since start (a group retried job by job counts once). */
  readonly written = { groups: 0, jobs: 0 };

  private async drain(): Promise<void> {
    this.running++;
    try {
      while (this.pending.length) {
        let size = 0;
        let n = 0;
        while (n < this.pending.length && (n === 0 || size + this.pending[n].size <= this.opts.maxSize)) size += this.pending[n++].size;
        const group = this.pending.splice(0, n);
        this.written.groups++;
        this.written.jobs += group.length;
        try {
          const out = await this.write(group.map((g) => g.job));
          if (out.length !== group.length) throw new Error(`GroupCommit: ${out.length} results for ${group.length} jobs`);
          group.forEach((g, i) => g.resolve(out[i]));
        } catch (err) {
          if (group.length === 1) {
            group[0].reject(err);
            continue;
          }
          for (const g of group) {
            try {
              const [r] = await this.write([g.job]);
              g.resolve(r);
            } catch (own) {
              g.reject(own);
            }
          }
        }
      }
    } finally {
      this.running--;
    }
  }
}
