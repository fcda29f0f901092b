import { readdirSync, readFileSync } from 'node:fs';
import type { GeneratorHealth } from '../model/load.js';

const TICKS_PER_SECOND = 100; // USER_HZ on Linux
const SATURATED_CPU_PCT = 90;
const SATURATED_LAG_MS = 100;
/** Senders emitting this late (p99) against their schedule: the offered load was not the planned one. */
const SATURATED_SEND_LAG_MS = 100;
const FD_HEADROOM = 0.9;
/** Waiting for a CPU this share of the time it was ready to run: the machine, not the generator, is short of CPU. */
const STARVED_WAIT_PCT = 50;

/** utime + stime of a process, all its threads included, in clock ticks; undefined once it is gone. */
function cpuTicks(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return Number(fields[11]) + Number(fields[12]);
  } catch {
    return undefined;
  }
}

function openFds(pid: number): number | undefined {
  try {
    return readdirSync(`/proc/${pid}/fd`).length;
  } catch {
    return undefined;
  }
}

/**
 * Nanoseconds the process's threads ran on a CPU and waited on a run queue for one (/proc/PID/task/\*\/schedstat),
 * summed; undefined once it is gone or where schedstat does not exist.
 */
function schedNs(pid: number): { run: number; wait: number } | undefined {
  try {
    let run = 0;
    let wait = 0;
    for (const task of readdirSync(`/proc/${pid}/task`)) {
      const [r, w] = readFileSync(`/proc/${pid}/task/${task}/schedstat`, 'utf8').split(' ').map(Number);
      run += r;
      wait += w;
    }
    return { run, wait };
  } catch {
    return undefined;
  }
}

function fdLimit(pid: number): number {
  try {
    const m = /Max open files\s+(\d+)/.exec(readFileSync(`/proc/${pid}/limits`, 'utf8'));
    return m ? Number(m[1]) : 0;
  } catch {
    return 0;
  }
}

/**
 * Watches the load generator (the Artillery process, its worker threads included) from outside: CPU
 * per second and open file descriptors. Event-loop lag comes from inside (the processor's histogram).
 * Where /proc does not exist the figures stay 0 and nothing is judged on them.
 */
export function watchGenerator(pid: number, everyMs = 1000) {
  const samples: number[] = [];
  let fdPeak = 0;
  let last = cpuTicks(pid);
  let lastAt = performance.now();
  const limit = fdLimit(pid);
  const schedAtStart = schedNs(pid);
  let schedLast = schedAtStart;
  const timer = setInterval(() => {
    const now = performance.now();
    const ticks = cpuTicks(pid);
    if (ticks !== undefined && last !== undefined) samples.push(((ticks - last) / TICKS_PER_SECOND / ((now - lastAt) / 1000)) * 100);
    last = ticks;
    lastAt = now;
    fdPeak = Math.max(fdPeak, openFds(pid) ?? 0);
    schedLast = schedNs(pid) ?? schedLast;
  }, everyMs);
  timer.unref();
  return {
    /** The health verdict, given the processor's worst event-loop lag p99. */
    stop(loopLagP99Ms: number, sendLagP99Ms?: number): GeneratorHealth {
      clearInterval(timer);
      const sched = schedAtStart && schedLast ? { runNs: schedLast.run - schedAtStart.run, waitNs: schedLast.wait - schedAtStart.wait } : undefined;
      return generatorHealth({ cpuSamples: samples, fdPeak, fdLimit: limit, loopLagP99Ms, sendLagP99Ms, sched });
    },
  };
}

/**
 * Saturation from the samples alone: event-loop lag p99 over 100 ms, senders emitting over 100 ms
 * behind their schedule at p99 (a generator can fall behind while its loop lag, a whole-run figure,
 * stays low), CPU over 90% of a core on average (the first and last samples are start-up and
 * shut-down), or open files above 90% of the limit (an unknown limit, 0, judges nothing). Late timers
 * have two causes a verdict must tell apart: the generator's own work, or a machine whose cores were
 * busy with other processes (on one machine, the gateway under test among them) while the generator
 * waited on a run queue. `sched` (from schedstat) says which: when the generator waited for a CPU at
 * least as long as it ran, the lag is the machine's.
 */
export function generatorHealth(s: { cpuSamples: number[]; fdPeak: number; fdLimit: number; loopLagP99Ms: number; sendLagP99Ms?: number; sched?: { runNs: number; waitNs: number } }): GeneratorHealth {
  const busy = s.cpuSamples.slice(1, -1);
  const cpuPct = busy.length ? busy.reduce((a, b) => a + b, 0) / busy.length : 0;
  const cpuPeakPct = busy.length ? Math.max(...busy) : 0;
  const wanted = s.sched ? s.sched.runNs + s.sched.waitNs : 0;
  const cpuWaitPct = s.sched && wanted > 0 ? (s.sched.waitNs / wanted) * 100 : undefined;
  const starved = cpuWaitPct !== undefined && cpuWaitPct >= STARVED_WAIT_PCT;
  const reasons: string[] = [];
  if (s.loopLagP99Ms > SATURATED_LAG_MS) {
    const cause = starved
      ? `; its threads waited for a CPU ${cpuWaitPct!.toFixed(0)}% of the time they were ready to run, using ${cpuPct.toFixed(0)}% of a core: the machine's cores were busy with other processes (the gateway under test among them when it shares the machine), not with the generator's own work`
      : '';
    reasons.push(`event-loop lag p99 ${s.loopLagP99Ms.toFixed(1)} ms > ${SATURATED_LAG_MS} ms: timers fired late, so latencies include the generator's own delay${cause}`);
  }
  if ((s.sendLagP99Ms ?? 0) > SATURATED_SEND_LAG_MS) reasons.push(`senders emitted ${s.sendLagP99Ms!.toFixed(1)} ms behind their schedule at p99 (> ${SATURATED_SEND_LAG_MS} ms): the generator did not offer the planned load on time`);
  if (cpuPct > SATURATED_CPU_PCT) reasons.push(`generator CPU ${cpuPct.toFixed(0)}% of a core > ${SATURATED_CPU_PCT}%`);
  if (s.fdLimit && s.fdPeak > s.fdLimit * FD_HEADROOM) reasons.push(`open files ${s.fdPeak} near the limit ${s.fdLimit}`);
  return {
    eventLoopLagP99Ms: round(s.loopLagP99Ms),
    ...(s.sendLagP99Ms !== undefined ? { sendLagP99Ms: round(s.sendLagP99Ms) } : {}),
    cpuPct: round(cpuPct),
    cpuPeakPct: round(cpuPeakPct),
    ...(cpuWaitPct !== undefined ? { cpuWaitPct: round(cpuWaitPct) } : {}),
    fdPeak: s.fdPeak,
    fdLimit: s.fdLimit,
    saturated: reasons.length > 0,
    reasons,
  };
}

const round = (n: number) => Math.round(n * 10) / 10;
