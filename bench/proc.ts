import { readdirSync, readFileSync } from 'node:fs';

/** A process's parent, name, CPU (utime + stime, clock ticks, all threads) and RSS, from /proc; undefined once it is gone. */
export function readProc(pid: number): { ppid: number; comm: string; ticks: number; rssBytes: number } | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const close = stat.lastIndexOf(')');
    const comm = stat.slice(stat.indexOf('(') + 1, close);
    const f = stat.slice(close + 2).split(' ');
    return { ppid: Number(f[1]), comm, ticks: Number(f[11]) + Number(f[12]), rssBytes: Number(f[21]) * 4096 };
  } catch {
    return undefined;
  }
}

/** Open file descriptors of a process (its sockets among them). */
export function openFds(pid: number): number | undefined {
  try {
    return readdirSync(`/proc/${pid}/fd`).length;
  } catch {
    return undefined;
  }
}
