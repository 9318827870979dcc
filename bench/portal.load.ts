import autocannon from 'autocannon';
import { percentile } from './network.js';

/**
 * The load generator of the portal benchmark (bench/portal.ts), in a process of its own (forked,
 * so it never shares an event loop with the server it loads): autocannon against one URL with
 * `connections` keep-alive connections for `seconds`. Each request carries its own resident's
 * address in X-Forwarded-For (the server trusts 127.0.0.1 as its proxy), so the per-address rate
 * limit applies as it would to many residents behind a reverse proxy; the address is only a header,
 * the traffic goes to 127.0.0.1 alone. Every response body is checked: status 200 and exactly
 * `comments` `<li id="bl-` items and the title, else it is counted as a mismatch.
 * Answers over IPC with {ok, result} per job; ends when the parent disconnects.
 */
export interface LoadJob {
  url: string;
  connections: number;
  seconds: number;
  comments: number;
  title: string;
}

export interface LoadResult {
  connections: number;
  seconds: number;
  requests: number;
  perSecond: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
  /** connection errors and timeouts (autocannon `errors`) */
  errors: number;
  timeouts: number;
  /** answers other than 200, by status */
  notOk: Record<string, number>;
  /** 200s whose body was not the page with every comment */
  mismatches: number;
  firstMismatch: string | null;
  /** the body of one answer, bytes */
  bodyBytes: number;
  /** CPU time of this load-generator process during the run, ms */
  cpuMs: number;
}

const MARK = '<li id="bl-';

/** How many comments (`<li id="bl-`) a page holds. */
export function countComments(body: string): number {
  let n = 0;
  for (let i = body.indexOf(MARK); i !== -1; i = body.indexOf(MARK, i + MARK.length)) n++;
  return n;
}

/** One measured run (see above). */
export async function runLoad(job: LoadJob): Promise<LoadResult> {
  const latencies: number[] = [];
  let next = 0;
  let firstMismatch: string | null = null;
  let bodyBytes = 0;
  let done!: (r: autocannon.Result) => void;
  let failed!: (e: Error) => void;
  const finished = new Promise<autocannon.Result>((resolve, reject) => ((done = resolve), (failed = reject)));
  const cpu = process.cpuUsage();
  const instance = autocannon({
    url: job.url,
    connections: job.connections,
    duration: job.seconds,
    // residents' addresses from the shared address space of mobile carriers (RFC 6598), 4,096 of them
    requests: [
      {
        method: 'GET',
        setupRequest: (req) => {
          const n = next++ % 4096;
          return { ...req, headers: { ...req.headers, 'x-forwarded-for': `100.64.${n >> 8}.${n & 255}` } };
        },
      },
    ],
    verifyBody: (body) => {
      const text = String(body);
      bodyBytes = Buffer.byteLength(text);
      const n = countComments(text);
      const ok = n === job.comments && text.includes(job.title);
      if (!ok && !firstMismatch) firstMismatch = `${n} bình luận (cần ${job.comments})${text.includes(job.title) ? '' : ', không có tiêu đề bài'}: ${text.slice(0, 160).replace(/\s+/g, ' ')}`;
      return ok;
    },
  }, (err, result) => (err ? failed(err) : done(result)));
  instance.on('response', (_client, _status, _bytes, ms) => latencies.push(ms));
  const r = await finished;
  const used = process.cpuUsage(cpu);
  latencies.sort((a, b) => a - b);
  const notOk: Record<string, number> = {};
  for (const [code, s] of Object.entries(r.statusCodeStats ?? {})) if (code !== '200') notOk[code] = s.count ?? 0;
  return {
    connections: job.connections,
    seconds: r.duration,
    requests: latencies.length,
    perSecond: latencies.length / r.duration,
    p50: percentile(latencies, 50),
    p95: percentile(latencies, 95),
    p99: percentile(latencies, 99),
    max: latencies[latencies.length - 1] ?? 0,
    errors: r.errors,
    timeouts: r.timeouts,
    notOk,
    mismatches: r.mismatches,
    firstMismatch,
    bodyBytes,
    cpuMs: (used.user + used.system) / 1000,
  };
}

if (process.send) {
  process.on('message', (job: LoadJob) => {
    runLoad(job).then(
      (result) => process.send!({ ok: true, result }),
      (err: Error) => process.send!({ ok: false, error: err.stack ?? err.message }),
    );
  });
  process.on('disconnect', () => process.exit(0));
}
