import { describe, expect, it } from 'vitest';
import { GroupCommit } from './group-commit.js';

/** A write whose calls are recorded and released by hand, so the test decides when a group "commits". */
function gate() {
  const calls: { jobs: string[]; release: () => void; fail: (err: Error) => void }[] = [];
  const write = (jobs: string[]) =>
    new Promise<string[]>((resolve, reject) => {
      calls.push({ jobs, release: () => resolve(jobs.map((j) => `ok:${j}`)), fail: reject });
    });
  return { calls, write };
}
const tick = () => new Promise((r) => setImmediate(r));

describe('GroupCommit', () => {
  it('writes the first job at once and the jobs arriving meanwhile as one group, answering each its own result', async () => {
    const { calls, write } = gate();
    const gc = new GroupCommit(write, { maxSize: 100, sizeOf: (j: string) => j.length });
    const a = gc.submit('a');
    const rest = ['b', 'c', 'd'].map((j) => gc.submit(j));
    expect(calls.map((c) => c.jobs)).toEqual([['a']]);
    expect(gc.waiting).toBe(3);
    calls[0].release();
    expect(await a).toBe('ok:a');
    await tick();
    expect(calls.map((c) => c.jobs)).toEqual([['a'], ['b', 'c', 'd']]);
    calls[1].release();
    expect(await Promise.all(rest)).toEqual(['ok:b', 'ok:c', 'ok:d']);
    expect(gc.waiting).toBe(0);
  });

  it('cuts groups at maxSize (a job larger than it goes alone) and writes an `alone` job at once, beside the group', async () => {
    const { calls, write } = gate();
    const gc = new GroupCommit(write, { maxSize: 5, sizeOf: (j: string) => j.length, alone: (j) => j.startsWith('!') });
    const all = [gc.submit('x'), gc.submit('aa'), gc.submit('bbb'), gc.submit('cccccccc'), gc.submit('d'), gc.submit('!big')];
    expect(calls.map((c) => c.jobs)).toEqual([['x'], ['!big']]);
    for (let i = 0; i < 5; i++) {
      calls.forEach((c) => c.release());
      await tick();
    }
    expect(calls.map((c) => c.jobs)).toEqual([['x'], ['!big'], ['aa', 'bbb'], ['cccccccc'], ['d']]);
    expect(await Promise.all(all)).toEqual(['ok:x', 'ok:aa', 'ok:bbb', 'ok:cccccccc', 'ok:d', 'ok:!big']);
  });

  it('writes each job of a failed group again alone: the bad one fails with its own error, the others succeed', async () => {
    const written: string[][] = [];
    const gc = new GroupCommit(
      async (jobs: string[]) => {
        written.push(jobs);
        await tick();
        if (jobs.includes('bad')) throw new Error(`refused: ${jobs.join('+')}`);
        return jobs.map((j) => `ok:${j}`);
      },
      { maxSize: 100, sizeOf: () => 1 },
    );
    const first = gc.submit('first');
    const group = ['g1', 'bad', 'g2'].map((j) => gc.submit(j).then((r) => r, (e: Error) => `error:${e.message}`));
    expect(await first).toBe('ok:first');
    expect(await Promise.all(group)).toEqual(['ok:g1', 'error:refused: bad', 'ok:g2']);
    expect(written).toEqual([['first'], ['g1', 'bad', 'g2'], ['g1'], ['bad'], ['g2']]);
    // the queue still works afterwards
    expect(await gc.submit('after')).toBe('ok:after');
  });

  it('refuses a write that answers fewer results than jobs (each job is then written alone)', async () => {
    let calls = 0;
    const gc = new GroupCommit(async (jobs: string[]) => (++calls === 2 ? jobs.slice(1) : jobs.map((j) => j.toUpperCase())), { maxSize: 10, sizeOf: () => 1 });
    const a = gc.submit('a');
    const bc = [gc.submit('b'), gc.submit('c')];
    expect(await a).toBe('A');
    expect(await Promise.all(bc)).toEqual(['B', 'C']);
    expect(calls).toBe(4);
  });
});
