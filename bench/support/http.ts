/** What the benchmarks share to drive a server over HTTP: one POST of a batch, and a process's CPU time. */
import { readFileSync } from 'node:fs';
import { request, type Agent } from 'node:http';

export interface Posted {
  /** Milliseconds from the request's start to the answer's last byte. */
  ms: number;
  /** The answer's body. */
  body: string;
}

/** POSTs one batch (a JSON array) to /v1/observations; resolves on 200, rejects naming any other status. */
export function postObservations(agent: Agent, url: URL, key: string, body: string): Promise<Posted> {
  return new Promise((resolve, reject) => {
    const t0 = process.hrtime.bigint();
    const req = request(
      {
        agent,
        host: url.hostname,
        port: url.port,
        path: '/v1/observations',
        method: 'POST',
        headers: {
          authorization: `Bearer ${key}`,
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(body),
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString();
          if (res.statusCode !== 200) return reject(new Error(`ingest: HTTP ${res.statusCode}: ${text.slice(0, 300)}`));
          resolve({ ms: Number(process.hrtime.bigint() - t0) / 1e6, body: text });
        });
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

/** utime + stime of a process, from /proc (Linux), in ms. */
export function processCpuMs(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100; // USER_HZ is 100 on Linux
}

/** A process's resident memory in MB, from /proc. */
export function processRssMb(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) / 1024 : NaN;
}
