import { Session } from 'node:inspector/promises';
import path from 'node:path';

/**
 * CPU profile of one phase of the import, taken with V8's own sampling profiler through
 * `node:inspector` (what `node --cpu-prof` writes), summarised as the functions that took the most
 * time: self time (the function's own code) and total time (with what it called), as ms. A
 * function is named with its file: a path under src/ or bench/, or the npm package it is in.
 */
export interface CpuSummary {
  self: { name: string; ms: number }[];
  total: { name: string; ms: number }[];
}

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}

export async function profiled<T>(work: () => Promise<T>, top = 15): Promise<{ result: T; cpu: CpuSummary }> {
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.setSamplingInterval', { interval: 500 });
  await session.post('Profiler.start');
  try {
    const result = await work();
    const { profile } = await session.post('Profiler.stop');
    return { result, cpu: summarise(profile as { nodes: ProfileNode[]; samples: number[]; timeDeltas: number[] }, top) };
  } finally {
    session.disconnect();
  }
}

function where(url: string): string {
  if (!url) return '';
  const file = url.replace(/^file:\/\//, '');
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(file);
  if (pkg) return pkg[1];
  return path.relative(process.cwd(), file);
}

function summarise(profile: { nodes: ProfileNode[]; samples: number[]; timeDeltas: number[] }, top: number): CpuSummary {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const name = (n: ProfileNode) => {
    const file = where(n.callFrame.url);
    return `${n.callFrame.functionName || '(anonymous)'}${file ? ` ${file}` : ''}`;
  };
  const selfUs = new Map<number, number>();
  profile.samples.forEach((id, i) => selfUs.set(id, (selfUs.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)));
  const self = new Map<string, number>();
  const total = new Map<string, number>();
  for (const [id, us] of selfUs) {
    const node = byId.get(id)!;
    self.set(name(node), (self.get(name(node)) ?? 0) + us);
    // a function counts once per sample even when it recurses
    const seen = new Set<string>();
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
      const key = name(byId.get(at)!);
      if (seen.has(key)) continue;
      seen.add(key);
      total.set(key, (total.get(key) ?? 0) + us);
    }
  }
  const ranked = (m: Map<string, number>, skip: RegExp) =>
    [...m]
      .filter(([k]) => !skip.test(k))
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([k, us]) => ({ name: k, ms: us / 1000 }));
  return { self: ranked(self, /^\((?:idle|program)\)/), total: ranked(total, /^\((?:root|idle|program)\)|^(?:processTicksAndRejections|runMicrotasks) | bench\//) };
}
