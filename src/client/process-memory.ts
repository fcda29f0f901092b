import { readFile } from 'node:fs/promises';

/** Where a target instance's resident memory can be read: its pid on this machine, or a Prometheus endpoint. */
export interface MemorySource {
  pid?: number;
  metricsUrl?: string;
}

/** The instance's RSS in bytes: VmRSS from /proc/<pid>/status, else process_resident_memory_bytes from its metrics. */
export async function readRss(source: MemorySource, timeoutMs = 2000): Promise<number> {
  if (source.pid !== undefined) {
    const status = await readFile(`/proc/${source.pid}/status`, 'utf8');
    const kb = /^VmRSS:\s+(\d+)\s+kB/m.exec(status);
    if (!kb) throw new Error(`/proc/${source.pid}/status has no VmRSS line`);
    return Number(kb[1]) * 1024;
  }
  if (source.metricsUrl !== undefined) {
    const res = await fetch(source.metricsUrl, { signal: AbortSignal.timeout(timeoutMs) });
    const text = await res.text();
    const line = /^process_resident_memory_bytes(?:\{[^}]*\})?\s+([0-9.eE+]+)/m.exec(text);
    if (!res.ok || !line) throw new Error(`${source.metricsUrl} answered ${res.status} without process_resident_memory_bytes`);
    return Number(line[1]);
  }
  throw new Error('no pid and no metricsUrl to read the RSS from');
}

/** True while the process runs (signal 0 probes it); undefined when there is no pid to ask. */
export function processAlive(pid: number | undefined): boolean | undefined {
  if (pid === undefined) return undefined;
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
