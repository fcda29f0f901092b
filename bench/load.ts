/**
 * npm run bench:load — how many concurrent connections the Artillery fan-out scenario holds on this
 * machine, and what Artillery costs against a bare socket.io-client script doing the same fan-out.
 *
 * One reference gateway (two instances, a redis-server, rate limit off) is started once; at each step
 * of a ladder of connection counts the bench runs, one after the other, against the same servers:
 *   1. `gatecheck load fanout --target <that gateway> --connections N --rate R --duration S --ramp X
 *      --settle Y --json --allow-saturated`
 *      (the built CLI, so exactly what a user runs), and
 *   2. bench/bare-fanout.ts in its own child process: the same plan, schedule, stamps and counting
 *      without Artillery.
 * Both generators and the servers are watched from outside (/proc: CPU ticks and RSS every 250 ms).
 * Figures, not a pass/fail: the exit code is non-zero only when the bench itself broke.
 *
 * Env: BENCH_LADDER (connections, comma-separated; default 1000,2500,5000), BENCH_RATE (messages a
 * second per sender; default 1), BENCH_SECONDS (seconds of sending; default 20), BENCH_RAMP_RATE
 * (connections a second during the ramp; default 250), BENCH_SETTLE (seconds between the last arrival
 * and the first send; default max(5, ramp / 2 + 3): Artillery starts its worker after the plan's clock
 * has started and its arrival phase runs late under load, which the scenario's default does not cover),
 * BENCH_PIN (optional, TARGET:GENERATOR CPU lists, e.g. 0:1: see `pin`),
 * BENCH_REPEAT (default 1: runs of each side per step, alternating; the tables show each side's median
 * run and the fidelity verdict reads the medians),
 * BENCH_RETRY_DISTURBED (default 1: a run during which other processes used more than a quarter of a
 * core is run once more; 0 = never), BENCH_OUT (optional: write every figure as JSON to this file).
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { chatServiceModule } from '../src/dialects/chat-service/index.js';
import { watchGenerator } from '../src/load/generator-watch.js';
import type { GeneratorHealth, LoadReport } from '../src/model/load.js';
import { fanoutParameters, type FanoutParameters } from '../src/load/plan.js';
import { resolveScenario } from '../src/load/scenario.js';
import { createLogger } from '../src/log.js';
import { findProjectRoot } from '../src/project-root.js';
import { startReferenceTarget } from '../src/reference/target.js';
import type { BareFanoutResult } from './bare-fanout.js';
import { periodWidthSeconds } from '../src/report/html/timeline.js';
import { openFds, readProc } from './proc.js';

// ---------- knobs ----------
const numbers = (s: string) => s.split(',').map((x) => Number(x.trim())).filter((n) => Number.isInteger(n) && n > 0);
const ladder = numbers(process.env.BENCH_LADDER ?? '1000,2500,5000');
const rate = Number(process.env.BENCH_RATE ?? 1);
const sendSeconds = Number(process.env.BENCH_SECONDS ?? 20);
const rampRate = Number(process.env.BENCH_RAMP_RATE ?? 250);
const settleFixed = process.env.BENCH_SETTLE ? Number(process.env.BENCH_SETTLE) : undefined;
if (!ladder.length || !(rate > 0) || !(sendSeconds > 0) || !(rampRate > 0) || (settleFixed !== undefined && !(settleFixed > 0))) {
  process.stderr.write('bench:load: BENCH_LADDER must list positive whole numbers; BENCH_RATE, BENCH_SECONDS, BENCH_RAMP_RATE and BENCH_SETTLE must be positive\n');
  process.exit(2);
}
const repeat = Number(process.env.BENCH_REPEAT ?? 1);
if (!Number.isInteger(repeat) || repeat < 1) {
  process.stderr.write('bench:load: BENCH_REPEAT must be a positive whole number\n');
  process.exit(2);
}
const rampFor = (n: number) => Math.max(4, Math.ceil(n / rampRate));
const settleFor = (ramp: number) => settleFixed ?? Math.max(5, Math.ceil(ramp / 2) + 3);

const TARGET_CONNECTIONS = 5000;
const TARGET_THROUGHPUT = 0.5;
const STRETCH_THROUGHPUT = 0.8;
const TARGET_LATENCY = 0.1;
/** Issue 10's fidelity targets: p99 within 10% or 2 ms of bare; CPU per delivery within 1.5x of bare. */
const FIDELITY_P99_MS = 2;
const FIDELITY_CPU_RATIO = 1.5;
const SECRET_ENV = 'GATECHECK_LOAD_JWT_SECRET';
const TICKS_PER_SECOND = 100;
const SAMPLE_MS = 250;

/**
 * BENCH_PIN=TARGET:GENERATOR (CPU lists for taskset, e.g. 0:1): the gateway instances and Redis run on
 * the first CPUs, both generators (and this bench) on the others. Unpinned, the generator's extra CPU
 * is taken from the gateway it measures on a shared machine, so the comparison mixes what the generator
 * costs the target with what it adds to the latencies it reports; pinned, only the second remains.
 */
const pin = (() => {
  const spec = process.env.BENCH_PIN;
  if (!spec) return undefined;
  const m = /^([\d,-]+):([\d,-]+)$/.exec(spec);
  if (!m) {
    process.stderr.write('bench:load: BENCH_PIN must be TARGET_CPUS:GENERATOR_CPUS, e.g. 0:1\n');
    process.exit(2);
  }
  return { target: m[1], generator: m[2] };
})();

/** Moves a running process, every thread of it, to these CPUs. */
function pinProcess(pid: number, cpus: string): void {
  execFileSync('taskset', ['-a', '-p', '-c', cpus, String(pid)], { stdio: 'ignore' });
}

const root = findProjectRoot();
const log = (line: string) => process.stderr.write(`[bench:load] ${line}\n`);

// ---------- /proc ----------
interface ProcSample {
  t: number;
  ticks: number;
  rssBytes: number;
  /** Open file descriptors (the generator only: its sockets). */
  fds?: number;
}

/** A short name for a process: its command and first meaningful argument. */
function describe(pid: number): string {
  try {
    const argv = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean);
    let script = '';
    for (let i = 1; i < argv.length && !script; i++) {
      if (['--require', '-r', '--conditions', '-C', '--import', '--loader'].includes(argv[i])) i++;
      else if (!argv[i].startsWith('-')) script = argv[i];
    }
    return `${argv[0]?.split('/').pop() ?? pid}${script ? ` ${script.split('/').slice(-2).join('/')}` : ''}`.slice(0, 60);
  } catch {
    return `pid ${pid} (gone)`;
  }
}

function childrenOf(ppid: number): Array<{ pid: number; comm: string; cmdline: string }> {
  const out: Array<{ pid: number; comm: string; cmdline: string }> = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const p = readProc(Number(name));
    if (p?.ppid !== ppid) continue;
    let cmdline = '';
    try {
      cmdline = readFileSync(`/proc/${name}/cmdline`, 'utf8').replaceAll('\0', ' ');
    } catch {
      continue;
    }
    out.push({ pid: Number(name), comm: p.comm, cmdline });
  }
  return out;
}

/** Machine-wide busy and total jiffies (all cores). */
function machineTicks(): { busy: number; total: number; irq: number } {
  const [cpu] = readFileSync('/proc/stat', 'utf8').split('\n');
  const f = cpu.trim().split(/\s+/).slice(1).map(Number);
  const total = f.reduce((a, b) => a + b, 0);
  // irq + softirq: the kernel's network work (loopback TCP), charged to no process.
  return { busy: total - f[3] - (f[4] ?? 0), total, irq: (f[5] ?? 0) + (f[6] ?? 0) };
}

/** Samples named processes (CPU ticks, RSS) and the machine every SAMPLE_MS until stopped. */
class Sampler {
  readonly series = new Map<string, ProcSample[]>();
  readonly machine: Array<{ t: number; busy: number; total: number; irq: number }> = [];
  /** Every process's CPU ticks, every 2 s: who else used the machine. */
  readonly everyone: Array<{ t: number; ticks: Map<number, number> }> = [];
  private everyoneAt = 0;
  private readonly names = new Map<number, string>();
  private readonly pids = new Map<string, number>();
  private readonly timer: NodeJS.Timeout;
  constructor(pids: Record<string, number>) {
    for (const [k, v] of Object.entries({ ...pids, self: process.pid })) this.watch(k, v);
    this.timer = setInterval(() => this.sample(), SAMPLE_MS);
    this.sample();
  }
  watch(name: string, pid: number): void {
    this.pids.set(name, pid);
    this.series.set(name, []);
  }
  private sample(): void {
    const t = Date.now();
    for (const [name, pid] of this.pids) {
      const p = readProc(pid);
      if (p) this.series.get(name)!.push({ t, ticks: p.ticks, rssBytes: p.rssBytes, ...(name === 'generator' ? { fds: openFds(pid) } : {}) });
    }
    this.machine.push({ t, ...machineTicks() });
    if (t - this.everyoneAt >= 2000) {
      this.everyoneAt = t;
      const ticks = new Map<number, number>();
      for (const name of readdirSync('/proc')) {
        if (!/^\d+$/.test(name)) continue;
        const pid = Number(name);
        ticks.set(pid, readProc(pid)?.ticks ?? 0);
        if (!this.names.has(pid)) this.names.set(pid, describe(pid));
      }
      this.everyone.push({ t, ticks });
    }
  }
  /**
   * CPU of every process that is not among the watched ones between two instants (percent of one core),
   * and the busiest of them ("name pct%"). From the processes' own counters: /proc/stat's tick-sampled
   * totals undercount timer-driven work like this run's, so the machine figure is built from these.
   */
  others(from: number, to: number, top = 3): { pct: number; busiest: string[] } {
    // Summed over consecutive snapshots, so a process that ended inside the window still counts.
    const ours = new Set(this.pids.values());
    const used = new Map<number, number>();
    let span = 0;
    for (let i = 1; i < this.everyone.length; i++) {
      const [a, b] = [this.everyone[i - 1], this.everyone[i]];
      if (b.t <= from || a.t >= to) continue;
      span += b.t - a.t;
      for (const [pid, end] of b.ticks) {
        const start = a.ticks.get(pid);
        if (!ours.has(pid) && start !== undefined) used.set(pid, (used.get(pid) ?? 0) + end - start);
      }
    }
    if (!span) return { pct: NaN, busiest: [] };
    const rows = [...used].map(([pid, ticks]) => ({ pid, pct: (ticks / TICKS_PER_SECOND / (span / 1000)) * 100 }));
    const busiest = rows
      .filter((r) => r.pct >= 5)
      .sort((x, y) => y.pct - x.pct)
      .slice(0, top)
      .map((r) => `${this.names.get(r.pid) ?? describe(r.pid)} ${fmt(r.pct)}%`);
    return { pct: rows.reduce((t, r) => t + r.pct, 0), busiest };
  }
  stop(): void {
    clearInterval(this.timer);
  }
  /** CPU seconds the process used between two instants (linear between samples). */
  cpuSeconds(name: string, from: number, to: number): number {
    const s = this.series.get(name) ?? [];
    return (interpolate(s, to, (x) => x.ticks) - interpolate(s, from, (x) => x.ticks)) / TICKS_PER_SECOND;
  }
  /** Percent of one core between two instants. */
  cpuPct(name: string, from: number, to: number): number {
    return (this.cpuSeconds(name, from, to) / ((to - from) / 1000)) * 100;
  }
  rssAt(name: string, t: number): number {
    return interpolate(this.series.get(name) ?? [], t, (x) => x.rssBytes);
  }
  /** The generator's open files at the last sample before t. */
  fdsAt(name: string, t: number): number {
    const s = (this.series.get(name) ?? []).filter((x) => x.t <= t && x.fds !== undefined);
    return s.length ? s[s.length - 1].fds! : NaN;
  }
  fdPeak(name: string): number {
    return Math.max(0, ...(this.series.get(name) ?? []).map((x) => x.fds ?? 0));
  }
  rssPeak(name: string): number {
    return Math.max(0, ...(this.series.get(name) ?? []).map((x) => x.rssBytes));
  }
  /** Share of the whole machine (every core) that was busy between two instants, percent. */
  machineBusyPct(from: number, to: number, what: 'busy' | 'irq' = 'busy'): number {
    const busy = interpolate(this.machine, to, (x) => x[what]) - interpolate(this.machine, from, (x) => x[what]);
    const total = interpolate(this.machine, to, (x) => x.total) - interpolate(this.machine, from, (x) => x.total);
    return total > 0 ? (busy / total) * 100 : 0;
  }
}

function interpolate<T extends { t: number }>(s: T[], t: number, v: (x: T) => number): number {
  if (!s.length) return 0;
  if (t <= s[0].t) return v(s[0]);
  for (let i = 1; i < s.length; i++) {
    if (s[i].t >= t) {
      const a = s[i - 1];
      const b = s[i];
      return v(a) + ((v(b) - v(a)) * (t - a.t)) / Math.max(1, b.t - a.t);
    }
  }
  return v(s[s.length - 1]);
}

// ---------- child runs ----------
interface ChildRun {
  code: number | null;
  stdout: string;
  stderr: string;
  killedAtDeadline: boolean;
}

const running = new Set<ChildProcess>();
function runChild(args: string[], env: NodeJS.ProcessEnv, deadlineMs: number, onStderrLine: (line: string) => void, onSpawn: (child: ChildProcess) => void): Promise<ChildRun> {
  return new Promise((resolve, reject) => {
    // taskset execs the command: the child's pid is node's.
    const child = pin ? spawn('taskset', ['-c', pin.generator, process.execPath, ...args], { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] }) : spawn(process.execPath, args, { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] });
    running.add(child);
    let stdout = '';
    let stderr = '';
    let partial = '';
    let killedAtDeadline = false;
    child.stdout!.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr!.on('data', (d: Buffer) => {
      stderr = (stderr + d.toString()).slice(-20000);
      const lines = (partial + d.toString()).split('\n');
      partial = lines.pop() ?? '';
      lines.forEach(onStderrLine);
    });
    const timer = setTimeout(() => {
      killedAtDeadline = true;
      for (const c of descendants(child.pid!)) process.kill(c, 'SIGKILL');
      child.kill('SIGKILL');
    }, deadlineMs);
    child.once('error', (err) => (clearTimeout(timer), running.delete(child), reject(err)));
    child.once('close', (code) => {
      clearTimeout(timer);
      running.delete(child);
      resolve({ code, stdout, stderr, killedAtDeadline });
    });
    onSpawn(child);
  });
}

function descendants(pid: number): number[] {
  const out: number[] = [];
  for (const c of childrenOf(pid)) out.push(...descendants(c.pid), c.pid);
  return out;
}

const wait = (ms: number) => new Promise((r) => setTimeout(r, ms));

// ---------- a step ----------
interface Side {
  connected: number;
  failed: number;
  /** Receivers not ready when sending began (Artillery: fanout.late_join, which then sync what they missed). */
  lateJoins: number;
  offeredPerSecond: number;
  deliveriesPerSecond: number;
  expected: number;
  received: number;
  lost: number;
  duplicated: number;
  p50: number;
  p95: number;
  p99: number;
  /** p50/p99 of actual emit -> receipt and of emit -> ack: where the latency above was spent. */
  emit: { p50: number; p99: number };
  /** Latency of one stretch of steady sending: Artillery's last reporting period wholly inside the send window, the same offsets for bare. */
  steady: { fromMs: number; toMs: number; count: number; p50: number; p99: number } | undefined;
  /** p99 per wall-clock second of sending (Artillery: report.json's 1 s periods; bare: the same seconds of its receipts). */
  perSecondP99: number[];
  ack: { p50: number; p99: number };
  generator: GeneratorHealth;
  held: boolean;
  window: { startAt: number; sendUntil: number; endAt: number } | undefined;
  rssAtStartBytes: number;
  rssPeakBytes: number;
  /** The generator's open files just before the first send and at their peak (sockets, plus a few dozen others). */
  fdsAtStart: number;
  fdPeak: number;
  rssBeforeBytes?: number;
  cpuSecondsSendWindow: number;
  cpuMsPer1000Deliveries: number;
  /** Generator CPU from the end of the plan to the first send: connecting (and, for Artillery, its start-up). */
  cpuSecondsRamp: number;
  /** Percent of one core while sending; others = the machine's busy time not accounted for by the run's own processes. */
  servers: ServerFigures;
  /** The same from the end of the plan to the first send (the ramp and the settle). */
  serversConnecting: ServerFigures;
  notes: string[];
}

interface Step {
  connections: number;
  rampSeconds: number;
  /** The run of each side whose p99 is the median of its repeats (the only run without BENCH_REPEAT). */
  artillery: Side;
  bare: Side;
  /** Every repeat, in the order run (Artillery, bare, Artillery, bare, ...). */
  runs: Array<{ artillery: Side; bare: Side }>;
}

const pick = (h: { p50: number; p99: number } | undefined) => ({ p50: h?.p50 ?? NaN, p99: h?.p99 ?? NaN });
const fmt = (n: number, digits = 0) => (Number.isFinite(n) ? n.toFixed(digits) : 'n/a');
const mb = (bytes: number) => fmt(bytes / 2 ** 20, 0);
const kb = (bytes: number) => fmt(bytes / 1024, 1);

async function main(): Promise<number> {
  const fdLimit = Number(/Max open files\s+(\d+)/.exec(readFileSync('/proc/self/limits', 'utf8'))?.[1] ?? 0);
  const biggest = Math.max(...ladder);
  log(`open-files limit ${fdLimit}; the biggest step needs about ${biggest + 200} in the generator and ${Math.ceil(biggest / 2) * 2 + 200} in gateway 1 (VU sockets plus Artillery's placeholder connections)`);
  if (fdLimit && fdLimit < biggest * 2 + 500) log(`WARNING: the open-files limit ${fdLimit} is low for ${biggest} connections: raise it (ulimit -n) or the big steps will fail on EMFILE`);
  const ports = readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/).map(Number);
  log(`ephemeral ports ${ports[0]}-${ports[1]} (${ports[1] - ports[0] + 1}); every run uses loopback only`);

  const scenario = resolveScenario(root, 'fanout');
  const logger = createLogger('warn');
  const target = await startReferenceTarget({ module: chatServiceModule, logger, rateLimit: null });
  const work = await mkdtemp(join(tmpdir(), 'gatecheck-bench-load-'));
  const onSignal = () => {
    for (const c of running) {
      for (const d of descendants(c.pid!)) process.kill(d, 'SIGKILL');
      c.kill('SIGKILL');
    }
    void target.stop().finally(() => process.exit(130));
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    const gateway = target.gateway!;
    const redis = childrenOf(process.pid).find((c) => c.comm === 'redis-server');
    if (pin) {
      for (const pid of [...gateway.instances.map((i) => i.pid), ...(redis ? [redis.pid] : [])]) pinProcess(pid, pin.target);
      pinProcess(process.pid, pin.generator);
      log(`pinned: gateway instances and Redis on CPU ${pin.target}, the generators and this bench on CPU ${pin.generator}`);
    }
    log(`reference gateway ${gateway.urls.join(' ')} (pids ${gateway.instances.map((i) => i.pid).join(', ')}), redis ${target.summary.redis}${redis ? ` (pid ${redis.pid})` : ''}; rate limit off`);

    // The target config file both generators read; the signing secret travels by env, never on disk.
    const secret = target.config.auth.mint!.secret as string;
    const copy = structuredClone(target.config);
    copy.auth.mint!.secret = { env: SECRET_ENV };
    const targetFile = join(work, 'target.json');
    await writeFile(targetFile, JSON.stringify(copy), { mode: 0o600 });
    const env = { ...process.env, [SECRET_ENV]: secret, GATECHECK_TARGET: targetFile };
    const serverPids = { gateway1: gateway.instances[0].pid, gateway2: gateway.instances[1]?.pid ?? -1, ...(redis ? { redis: redis.pid } : {}) };

    const steps: Step[] = [];
    for (const connections of ladder) {
      const rampSeconds = rampFor(connections);
      const params = fanoutParameters({ ...scenario.variables, connections, ratePerSender: rate, sendSeconds, rampSeconds, settleSeconds: settleFor(rampSeconds) });
      const runSeconds = params.rampSeconds + params.settleSeconds + params.sendSeconds + params.drainSeconds;
      log(`--- ${connections} connections: ramp ${rampSeconds} s, settle ${params.settleSeconds} s, ${params.ratePerSender} msg/s per sender, ${sendSeconds} s of sending`);
      // A side that other processes disturbed (a shared machine) is run once more; the notes say so.
      const attempt = async (name: string, run: () => Promise<Side>): Promise<Side> => {
        await quiet(serverPids);
        const first = await run();
        const d = disturbance(first);
        if (!d || !retryDisturbed) return first;
        log(`  ${name} at ${connections} was disturbed by other processes (${d}): running it again`);
        await quiet(serverPids);
        const second = await run();
        second.notes.unshift(`first attempt disturbed by other processes (${d}); these figures are from the second attempt`);
        return second;
      };
      // Repeats alternate the two sides, so a slow drift of the machine weighs on both alike.
      const runs: Step['runs'] = [];
      for (let i = 0; i < repeat; i++) {
        if (repeat > 1) log(`  repeat ${i + 1} of ${repeat}`);
        const a = await attempt('Artillery', () => artilleryStep(params, env, targetFile, serverPids, runSeconds));
        const b = await attempt('bare', () => bareStep(params, env, serverPids, runSeconds, a.steady && [a.steady.fromMs, a.steady.toMs]));
        runs.push({ artillery: a, bare: b });
      }
      const artillery = medianRun(runs.map((r) => r.artillery));
      const bare = medianRun(runs.map((r) => r.bare));
      steps.push({ connections, rampSeconds, artillery, bare, runs });
      log(`${connections}: Artillery ${fmt(artillery.deliveriesPerSecond)} deliveries/s p50 ${artillery.p50} p99 ${artillery.p99} ms held ${artillery.held}; bare ${fmt(bare.deliveriesPerSecond)} deliveries/s p50 ${bare.p50} p99 ${bare.p99} ms held ${bare.held}`);
    }
    print(steps, target.summary.instances.length);
    if (process.env.BENCH_OUT) await writeFile(process.env.BENCH_OUT, JSON.stringify({ ladder, rate, sendSeconds, steps }, null, 2) + '\n');
    return 0;
  } finally {
    await target.stop();
    await rm(work, { recursive: true, force: true });
  }
}

/** Other processes above this share of a core while connecting or sending make a side "disturbed". */
const DISTURBED_PCT = 25;
const retryDisturbed = process.env.BENCH_RETRY_DISTURBED !== '0';

const median = (xs: number[]) => {
  const s = [...xs].filter(Number.isFinite).sort((a, b) => a - b);
  return s.length ? (s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2) : NaN;
};

/** The run whose p99 is the median of the repeats (the lower middle one for an even count). */
function medianRun(sides: Side[]): Side {
  const sorted = [...sides].sort((a, b) => a.p99 - b.p99);
  return sorted[Math.floor((sorted.length - 1) / 2)];
}

function disturbance(x: Side): string | undefined {
  const worst = [x.serversConnecting, x.servers].reduce((a, b) => (b.othersPct > a.othersPct ? b : a));
  return worst.othersPct > DISTURBED_PCT ? `${fmt(worst.othersPct)}% of a core${worst.busiestOthers.length ? `: ${worst.busiestOthers.join(', ')}` : ''}` : undefined;
}

/**
 * Waits until the servers are idle again (disconnect bookkeeping done) and the rest of the machine is
 * quiet (other users of a shared machine), at most 60 s.
 */
async function quiet(pids: Record<string, number>): Promise<void> {
  const names = Object.keys(pids);
  const s = new Sampler(pids);
  try {
    const deadline = Date.now() + 60_000;
    await wait(2500);
    while (Date.now() < deadline) {
      const now = Date.now();
      const others = s.others(now - 2500, now).pct;
      if (names.every((n) => s.cpuPct(n, now - 1000, now) < 10) && !(others > 20)) return;
      await wait(500);
    }
    log('the machine is still busy 60 s after the run; going on');
  } finally {
    s.stop();
  }
}

interface ServerFigures {
  generatorPct: number;
  gateway1Pct: number;
  gateway2Pct: number;
  redisPct: number;
  machineBusyPct: number;
  /** Kernel interrupt and softirq time (network), percent of one core. */
  kernelPct: number;
  othersPct: number;
  busiestOthers: string[];
}

function serverFigures(s: Sampler, window: { startAt: number; sendUntil: number } | undefined): ServerFigures {
  if (!window) return { generatorPct: NaN, gateway1Pct: NaN, gateway2Pct: NaN, redisPct: NaN, machineBusyPct: NaN, kernelPct: NaN, othersPct: NaN, busiestOthers: [] };
  const { startAt: a, sendUntil: b } = window;
  const ours = [...s.series.keys()].reduce((t, name) => t + s.cpuPct(name, a, b), 0);
  const kernelPct = s.machineBusyPct(a, b, 'irq') * cpus().length;
  const others = s.others(a, b);
  const machineBusyPct = (ours + others.pct + kernelPct) / cpus().length;
  return { generatorPct: s.cpuPct('generator', a, b), gateway1Pct: s.cpuPct('gateway1', a, b), gateway2Pct: s.cpuPct('gateway2', a, b), redisPct: s.cpuPct('redis', a, b), machineBusyPct, kernelPct, othersPct: others.pct, busiestOthers: others.busiest };
}

async function artilleryStep(params: FanoutParameters, env: NodeJS.ProcessEnv, targetFile: string, serverPids: Record<string, number>, runSeconds: number): Promise<Side> {
  const args = [join(root, 'dist', 'src', 'cli.js'), 'load', 'fanout', '--target', targetFile, '--connections', String(params.connections), '--rate', String(params.ratePerSender), '--duration', String(params.sendSeconds), '--ramp', String(params.rampSeconds), '--settle', String(params.settleSeconds), '--json', '--allow-saturated'];
  const sampler = new Sampler(serverPids);
  let window: Side['window'];
  let phaseStartedAt: number | undefined;
  let artilleryPid: number | undefined;
  let finder: NodeJS.Timeout | undefined;
  const run = await runChild(
    args,
    env,
    (runSeconds + 180) * 1000,
    (line) => {
      // Sending starts when the connection phase ends: the CLI says when, relative to its line.
      if (/plan \w+: the connection phase starts/.test(line)) phaseStartedAt = Date.now();
      const release = /connection phase: .* sending starts in ([\d.]+) s/.exec(line);
      if (release) {
        const startAt = Date.now() + Number(release[1]) * 1000;
        const sendUntil = startAt + params.sendSeconds * 1000;
        window = { startAt, sendUntil, endAt: sendUntil + params.drainSeconds * 1000 };
      }
      if (/\] /.test(line)) log(`  artillery ${line.trim()}`);
    },
    (child) => {
      // The CLI spawns Artillery (node .../artillery/bin/run): that process, its worker thread included, is the generator.
      finder = setInterval(() => {
        const a = childrenOf(child.pid!).find((c) => /artillery/.test(c.cmdline));
        if (!a) return;
        artilleryPid = a.pid;
        sampler.watch('generator', a.pid);
        sampler.watch('cli', child.pid!);
        clearInterval(finder);
      }, 50);
    },
  );
  clearInterval(finder);
  sampler.stop();
  if (run.killedAtDeadline) throw new Error(`gatecheck load ran past its deadline; its stderr:\n${run.stderr.slice(-3000)}`);
  let report: LoadReport;
  try {
    report = JSON.parse(run.stdout) as LoadReport;
  } catch {
    throw new Error(`gatecheck load exited ${run.code} without a JSON report; its stderr:\n${run.stderr.slice(-3000)}`);
  }
  if (run.code !== 0 && run.code !== 1) throw new Error(`gatecheck load exited ${run.code}; its stderr:\n${run.stderr.slice(-3000)}`);
  const c = (name: string) => report.metrics.counters[name] ?? 0;
  const lat = report.metrics.histograms['fanout.latency_ms'];
  const expected = report.metrics.delivery?.expected ?? c('fanout.expected');
  const received = report.metrics.delivery?.received ?? c('fanout.received');
  const lost = report.metrics.delivery?.lost ?? Math.max(0, expected - received);
  const notes: string[] = [];
  if (!window) notes.push('no connection-phase line from the CLI: CPU per delivery is over the whole run');
  if (!artilleryPid) notes.push('the Artillery process was not found: no RSS/CPU samples');
  const w = window ?? { startAt: 0, sendUntil: 0, endAt: Date.now() };
  const connectingFrom = phaseStartedAt ?? w.startAt - (params.rampSeconds + params.settleSeconds) * 1000;
  const cpuSecondsSendWindow = sampler.cpuSeconds('generator', w.startAt, w.endAt);
  for (const r of report.generator.reasons) notes.push(`saturated: ${r}`);
  if (c('fanout.late_join')) notes.push(`${c('fanout.late_join')} VUs ready only after sending began; they fetched ${c('fanout.late_join_synced')} missed deliveries with messages:sync (counted as received, without a latency)`);
  for (const t of report.thresholds.filter((x) => !x.ok)) notes.push(`threshold failed: ${t.expr} (${t.value})`);
  if (c('fanout.ack_timeout')) notes.push(`${c('fanout.ack_timeout')} send acks timed out`);
  const connected = c('fanout.connected');
  const failed = c('vusers.failed');
  return {
    connected,
    failed,
    lateJoins: c('fanout.late_join'),
    offeredPerSecond: expected / params.sendSeconds,
    deliveriesPerSecond: received / params.sendSeconds,
    expected,
    received,
    lost,
    duplicated: c('fanout.duplicated'),
    p50: lat?.p50 ?? NaN,
    p95: lat?.p95 ?? NaN,
    p99: lat?.p99 ?? NaN,
    emit: pick(report.metrics.histograms['fanout.emit_latency_ms']),
    steady: window ? steadyPeriod(report, window) : undefined,
    perSecondP99: window ? perSecond(report, window) : [],
    ack: pick(report.metrics.histograms['fanout.ack_ms']),
    generator: report.generator,
    held: connected === params.connections && failed === 0 && lost === 0 && !report.generator.saturated,
    window,
    rssAtStartBytes: sampler.rssAt('generator', w.startAt),
    rssPeakBytes: sampler.rssPeak('generator'),
    fdsAtStart: sampler.fdsAt('generator', w.startAt),
    fdPeak: sampler.fdPeak('generator'),
    cpuSecondsSendWindow,
    cpuMsPer1000Deliveries: received ? (cpuSecondsSendWindow * 1000) / (received / 1000) : NaN,
    cpuSecondsRamp: window ? sampler.cpuSeconds('generator', connectingFrom, w.startAt) : NaN,
    servers: serverFigures(sampler, window),
    serversConnecting: serverFigures(sampler, window && { startAt: connectingFrom, sendUntil: window.startAt }),
    notes,
  };
}

/** The last Artillery period wholly inside [startAt, sendUntil]: sending in full swing, start-up transients over. */
function steadyPeriod(report: LoadReport, w: { startAt: number; sendUntil: number }): Side['steady'] {
  // Artillery's reporting period (finer for short runs), aligned to the wall clock.
  const periodMs = (periodWidthSeconds(report.timeline) ?? 10) * 1000;
  const full = report.timeline
    .map((p) => ({ start: Math.floor(Date.parse(p.at) / periodMs) * periodMs, h: p.histograms['fanout.latency_ms'] }))
    .filter((p) => p.h && p.start >= w.startAt && p.start + periodMs <= w.sendUntil);
  const last = full[full.length - 1];
  return last && { fromMs: last.start - w.startAt, toMs: last.start + periodMs - w.startAt, count: last.h.count, p50: last.h.p50, p99: last.h.p99 };
}

/** The fan-out p99 of every 1 s period that received deliveries from the first send to the end of the drain. */
function perSecond(report: LoadReport, w: { startAt: number; endAt: number }): number[] {
  if ((periodWidthSeconds(report.timeline) ?? 10) !== 1) return [];
  return report.timeline
    .filter((p) => Date.parse(p.at) >= Math.floor(w.startAt / 1000) * 1000 && Date.parse(p.at) < w.endAt && p.histograms['fanout.latency_ms']?.count)
    .map((p) => p.histograms['fanout.latency_ms'].p99);
}

async function bareStep(params: FanoutParameters, env: NodeJS.ProcessEnv, serverPids: Record<string, number>, runSeconds: number, steadyWindow?: [number, number]): Promise<Side> {
  const sampler = new Sampler(serverPids);
  let watch: ReturnType<typeof watchGenerator> | undefined;
  const run = await runChild(
    [join(root, 'dist', 'bench', 'bare-fanout.js')],
    { ...env, BARE_PARAMS: JSON.stringify(params), ...(steadyWindow ? { BARE_WINDOW: JSON.stringify(steadyWindow) } : {}) },
    (runSeconds + 120) * 1000,
    (line) => log(`  ${line.trim()}`),
    (child) => {
      sampler.watch('generator', child.pid!);
      watch = watchGenerator(child.pid!);
    },
  );
  sampler.stop();
  if (run.killedAtDeadline || run.code !== 0) throw new Error(`bare-fanout exited ${run.code}${run.killedAtDeadline ? ' (killed at its deadline)' : ''}; its stderr:\n${run.stderr.slice(-3000)}`);
  const r = JSON.parse(run.stdout.trim().split('\n').pop()!) as BareFanoutResult;
  const generator = watch!.stop(r.eventLoopLagP99Ms);
  const window = { startAt: r.startAt, sendUntil: r.sendUntil, endAt: r.endAt };
  const cpuSecondsSendWindow = sampler.cpuSeconds('generator', r.startAt, r.endAt);
  const notes = [...generator.reasons.map((x) => `saturated: ${x}`), ...r.firstErrors.map((e) => `error: ${e}`)];
  if (r.notReadyAtStart) notes.push(`${r.notReadyAtStart} sockets not ready when sending started (they miss what was sent before they joined: lost)`);
  if (r.ackTimeouts) notes.push(`${r.ackTimeouts} send acks timed out`);
  const failed = r.connectFailed + r.disconnectedBeforeEnd;
  return {
    connected: r.connected,
    failed,
    lateJoins: r.notReadyAtStart,
    offeredPerSecond: r.expected / params.sendSeconds,
    deliveriesPerSecond: r.deliveriesPerSecond,
    expected: r.expected,
    received: r.received,
    lost: r.lost,
    duplicated: r.duplicated,
    p50: r.latencyMs.p50,
    p95: r.latencyMs.p95,
    p99: r.latencyMs.p99,
    emit: pick(r.emitLatencyMs),
    perSecondP99: r.perSecondP99,
    steady: { fromMs: r.windowLatencyMs.fromMs, toMs: r.windowLatencyMs.toMs, count: r.windowLatencyMs.count, p50: r.windowLatencyMs.p50, p99: r.windowLatencyMs.p99 },
    ack: pick(r.ackMs),
    generator,
    held: r.connected === params.connections && failed === 0 && r.lost === 0 && !generator.saturated,
    window,
    rssAtStartBytes: r.memory.rssConnectedBytes,
    rssPeakBytes: sampler.rssPeak('generator'),
    fdsAtStart: sampler.fdsAt('generator', r.startAt),
    fdPeak: sampler.fdPeak('generator'),
    rssBeforeBytes: r.memory.rssBeforeBytes,
    cpuSecondsSendWindow,
    cpuMsPer1000Deliveries: r.received ? (cpuSecondsSendWindow * 1000) / (r.received / 1000) : NaN,
    cpuSecondsRamp: sampler.cpuSeconds('generator', r.startAt - (params.rampSeconds + params.settleSeconds) * 1000, r.startAt),
    servers: serverFigures(sampler, window),
    serversConnecting: serverFigures(sampler, { startAt: r.startAt - (params.rampSeconds + params.settleSeconds) * 1000, sendUntil: r.startAt }),
    notes,
  };
}

// ---------- printing ----------
function print(steps: Step[], instances: number): void {
  const out: string[] = [];
  const line = (s = '') => out.push(s);
  const row = (cells: Array<string | number>) => line(`| ${cells.join(' | ')} |`);
  const head = (cells: string[]) => (row(cells), row(cells.map(() => '---')));
  const yes = (b: boolean) => (b ? 'yes' : 'no');

  line(`machine: ${cpus().length} cores (${cpus()[0]?.model.trim()}), ${mb(totalmem())} MB RAM, Node ${process.version}`);
  line(`target: reference chat gateway, ${instances} instances + redis-server, rate limit off, loopback${pin ? `; pinned: target on CPU ${pin.target}, generators on CPU ${pin.generator} (BENCH_PIN)` : ''}`);
  line(`fan-out: groups of 4 (1 sender, 3 receivers, instances alternate), ${rate} msg/s per sender, ${sendSeconds} s of sending; ramp = max(4, connections / ${rampRate}) s, settle ${settleFixed !== undefined ? `${settleFixed} s` : 'max(5, ramp / 2 + 3) s'}`);
  line();
  line('Artillery (gatecheck load fanout, built-in socketio engine, 1 worker) and the bare socket.io-client baseline:');
  line();
  head(['connections', 'generator', 'connected', 'failed', 'late joins', 'offered deliveries/s', 'deliveries/s', 'lost', 'p50 ms', 'p99 ms', 'CPU avg/peak % of a core', 'loop lag p99 ms', 'saturated', 'held']);
  for (const s of steps) {
    for (const [name, x] of [['Artillery', s.artillery], ['bare', s.bare]] as const) {
      row([s.connections, name, x.connected, x.failed, x.lateJoins, fmt(x.offeredPerSecond), fmt(x.deliveriesPerSecond), x.lost, fmt(x.p50, 1), fmt(x.p99, 1), `${fmt(x.generator.cpuPct)}/${fmt(x.generator.cpuPeakPct)}`, fmt(x.generator.eventLoopLagP99Ms, 1), yes(x.generator.saturated), yes(x.held)]);
    }
  }
  line();
  line('Artillery ÷ bare at the same offered load:');
  line();
  head(['connections', 'deliveries/s ratio', 'p50 ratio', 'p99 ratio', 'p50 Δ ms', 'p99 Δ ms', 'steady period p50 ratio', 'steady period p99 ratio']);
  for (const s of steps) {
    const a = s.artillery;
    const b = s.bare;
    const st = a.steady && b.steady ? [fmt(a.steady.p50 / b.steady.p50, 2), fmt(a.steady.p99 / b.steady.p99, 2)] : ['n/a', 'n/a'];
    row([s.connections, fmt(a.deliveriesPerSecond / b.deliveriesPerSecond, 2), fmt(a.p50 / b.p50, 2), fmt(a.p99 / b.p99, 2), fmt(a.p50 - b.p50, 1), fmt(a.p99 - b.p99, 1), ...st]);
  }
  line();
  line('Where the latency went (ms, p50/p99): intended send time -> receipt (the figure above), actual emit -> receipt, emit -> ack. A gap between the first two is sender timers firing late (the generator); the rest is the gateway, Redis and the receiving side:');
  line();
  head(['connections', 'generator', 'intended -> receipt', 'emit -> receipt', 'emit -> ack', 'steady period: intended -> receipt', 'steady period (s after first send), deliveries']);
  for (const s of steps) {
    for (const [name, x] of [['Artillery', s.artillery], ['bare', s.bare]] as const) {
      const st = x.steady;
      row([s.connections, name, `${fmt(x.p50, 1)}/${fmt(x.p99, 1)}`, `${fmt(x.emit.p50, 1)}/${fmt(x.emit.p99, 1)}`, `${fmt(x.ack.p50, 1)}/${fmt(x.ack.p99, 1)}`, st ? `${fmt(st.p50, 1)}/${fmt(st.p99, 1)}` : 'n/a', st ? `${fmt(st.fromMs / 1000, 1)}-${fmt(st.toMs / 1000, 1)}, ${st.count}` : 'n/a']);
    }
  }
  line();
  line('Generator cost (sampled from /proc; open files are the sockets plus about 20 others):');
  line();
  head(['connections', 'generator', 'open files at first send / peak', 'RSS all connected MB', 'RSS peak MB', 'RSS per connection KB', 'CPU s connecting (plan to first send)', 'CPU s sending (first send to end of drain)', 'CPU ms per 1000 deliveries']);
  for (const s of steps) {
    for (const [name, x] of [['Artillery', s.artillery], ['bare', s.bare]] as const) {
      const per = x.rssBeforeBytes !== undefined ? `${kb(x.rssAtStartBytes / s.connections)} (${kb((x.rssAtStartBytes - x.rssBeforeBytes) / s.connections)} over its ${mb(x.rssBeforeBytes)} MB start)` : kb(x.rssAtStartBytes / s.connections);
      row([s.connections, name, `${x.fdsAtStart}/${x.fdPeak}`, mb(x.rssAtStartBytes), mb(x.rssPeakBytes), per, fmt(x.cpuSecondsRamp, 1), fmt(x.cpuSecondsSendWindow, 1), fmt(x.cpuMsPer1000Deliveries, 0)]);
    }
  }
  if (steps.length >= 2) {
    const [lo, hi] = [steps[0], steps[steps.length - 1]];
    const slope = (x: (s: Step) => Side, v: (x: Side) => number) => (v(x(hi)) - v(x(lo))) / (hi.connections - lo.connections);
    const at = (x: Side) => x.rssAtStartBytes;
    const peak = (x: Side) => x.rssPeakBytes;
    line();
    line(`marginal memory per connection, RSS slope from ${lo.connections} to ${hi.connections} connections: at the first send Artillery ${kb(slope((s) => s.artillery, at))} KB, bare ${kb(slope((s) => s.bare, at))} KB; at the peak Artillery ${kb(slope((s) => s.artillery, peak))} KB, bare ${kb(slope((s) => s.bare, peak))} KB (the first-send figure depends on when the collector last ran)`);
  }
  line();
  line('CPU while connecting (plan to first send) and while sending (percent of one core; other processes = everything else on the machine, e.g. other users of a shared machine; machine = the sum as a share of all cores):');
  line();
  head(['connections', 'generator', 'phase', 'generator %', 'gateway 1 %', 'gateway 2 %', 'redis %', 'kernel irq/softirq %', 'other processes %', 'machine busy % (all cores)']);
  for (const s of steps) {
    for (const [name, x] of [['Artillery', s.artillery], ['bare', s.bare]] as const) {
      for (const [phase, f] of [['connecting', x.serversConnecting], ['sending', x.servers]] as const) {
        row([s.connections, name, phase, fmt(f.generatorPct), fmt(f.gateway1Pct), fmt(f.gateway2Pct), fmt(f.redisPct), fmt(f.kernelPct), fmt(f.othersPct), fmt(f.machineBusyPct)]);
      }
    }
  }
  const busy = (x: Side) => [
    ...(x.serversConnecting.busiestOthers.length ? [`busiest other processes while connecting: ${x.serversConnecting.busiestOthers.join(', ')}`] : []),
    ...(x.servers.busiestOthers.length ? [`busiest other processes while sending: ${x.servers.busiestOthers.join(', ')}`] : []),
  ];
  const notes = steps.flatMap((s) => [...[...busy(s.artillery), ...s.artillery.notes].map((n) => `${s.connections} Artillery: ${n}`), ...[...busy(s.bare), ...s.bare.notes].map((n) => `${s.connections} bare: ${n}`)]);
  if (notes.length) {
    line();
    line('Notes:');
    for (const n of notes) line(`- ${n}`);
  }

  // ---------- targets ----------
  const held = steps.filter((s) => s.artillery.held).map((s) => s.connections);
  const maxHeld = held.length ? Math.max(...held) : 0;
  const ratios = steps.map((s) => ({ n: s.connections, t: s.artillery.deliveriesPerSecond / s.bare.deliveriesPerSecond, p50: s.artillery.p50 / s.bare.p50, p99: s.artillery.p99 / s.bare.p99 }));
  const minT = Math.min(...ratios.map((r) => r.t));
  const within = (r: number) => Number.isFinite(r) && Math.abs(r - 1) <= TARGET_LATENCY;
  const latencyOk = ratios.filter((r) => within(r.p50) && within(r.p99)).map((r) => r.n);
  const met = (b: boolean) => (b ? 'MET' : 'NOT MET');
  line();
  line('Targets:');
  line(`- ${TARGET_CONNECTIONS} connections held (all connected, nothing lost, generator not saturated): most held ${maxHeld || 'none'}${held.length ? ` (held at ${held.join(', ')})` : ''} -> ${met(maxHeld >= TARGET_CONNECTIONS)}`);
  line(`- Artillery deliveries/s >= ${TARGET_THROUGHPUT * 100}% of bare at every step (stretch ${STRETCH_THROUGHPUT * 100}%): lowest ${fmt(minT * 100)}% -> ${met(minT >= TARGET_THROUGHPUT)}${minT >= STRETCH_THROUGHPUT ? ', stretch met' : ', stretch not met'}`);
  line(`- Artillery latency p50 and p99 within ±${TARGET_LATENCY * 100}% of bare (whole run): ${ratios.map((r) => `${r.n}: p50 ${fmt(r.p50, 2)} p99 ${fmt(r.p99, 2)}`).join('; ')} -> ${met(latencyOk.length === steps.length)}${latencyOk.length && latencyOk.length < steps.length ? ` (only at ${latencyOk.join(', ')})` : ''}`);
  const steady = steps.filter((s) => s.artillery.steady && s.bare.steady).map((s) => ({ n: s.connections, p50: s.artillery.steady!.p50 / s.bare.steady!.p50, p99: s.artillery.steady!.p99 / s.bare.steady!.p99 }));
  if (steady.length) {
    const ok = steady.filter((r) => within(r.p50) && within(r.p99)).map((r) => r.n);
    line(`  in one steady reporting period of sending: ${steady.map((r) => `${r.n}: p50 ${fmt(r.p50, 2)} p99 ${fmt(r.p99, 2)}`).join('; ')} -> ${met(ok.length === steady.length)}${ok.length && ok.length < steady.length ? ` (only at ${ok.join(', ')})` : ''}`);
  }
  line('  (latencies are whole milliseconds, Date.now() on both sides: at a 2 ms p50, one millisecond is 50%)');
  line();
  line('Per second of sending (fan-out p99 of each 1 s period, ms; the first two seconds are where sending starts into a target and a generator that just connected everyone):');
  line();
  head(['connections', 'generator', 'worst of the first 2 s', 'later seconds: median / worst', 'every second']);
  for (const s of steps) {
    for (const [name, x] of [['Artillery', s.artillery], ['bare', s.bare]] as const) {
      const later = x.perSecondP99.slice(2);
      row([s.connections, name, fmt(Math.max(...x.perSecondP99.slice(0, 2)), 1), `${fmt(median(later), 1)} / ${fmt(Math.max(...later), 1)}`, x.perSecondP99.map((v) => fmt(v, 0)).join(' ') || 'n/a']);
    }
  }
  // With repeats the verdict reads the medians: one run's p99 on a shared machine moves by more than 10%.
  const fidelity = steps.map((s) => {
    const p99s = (side: 'artillery' | 'bare') => s.runs.map((r) => r[side].p99);
    const [a, b] = [median(p99s('artillery')), median(p99s('bare'))];
    const allowed = Math.max(TARGET_LATENCY * b, FIDELITY_P99_MS);
    const p99Ok = Math.abs(a - b) <= allowed;
    // A generator cannot make a delivery arrive sooner than it did: a p99 under bare's is less tail added by the generator, not a fault of the measurement.
    const notAbove = a - b <= allowed;
    const cpu = median(s.runs.map((r) => r.artillery.cpuMsPer1000Deliveries)) / median(s.runs.map((r) => r.bare.cpuMsPer1000Deliveries));
    const spread = Math.max(...p99s('bare')) / Math.min(...p99s('bare'));
    return { n: s.connections, a: p99s('artillery'), b: p99s('bare'), p99: a / b, dp99: a - b, p99Ok, notAbove, cpu, cpuOk: cpu <= FIDELITY_CPU_RATIO, spread };
  });
  line();
  line(`Fidelity (issue 10): fan-out p99 within ${TARGET_LATENCY * 100}% or ${FIDELITY_P99_MS} ms of bare, generator CPU per delivery (while sending) within ${FIDELITY_CPU_RATIO}x of bare${repeat > 1 ? `; medians of ${repeat} alternating runs of each, and how far bare's own p99 moved between its runs (max / min: the noise a single comparison carries)` : ''}:`);
  line();
  head(['connections', ...(repeat > 1 ? ['Artillery p99 per run', 'bare p99 per run', 'bare spread'] : []), 'p99 ratio', 'p99 Δ ms', 'p99 within (either side)', 'p99 not above', 'CPU per delivery ratio', 'CPU held']);
  for (const f of fidelity) row([f.n, ...(repeat > 1 ? [f.a.map((v) => fmt(v, 1)).join(', '), f.b.map((v) => fmt(v, 1)).join(', '), fmt(f.spread, 2)] : []), fmt(f.p99, 2), fmt(f.dp99, 1), yes(f.p99Ok), yes(f.notAbove), fmt(f.cpu, 2), yes(f.cpuOk)]);
  line(`- fidelity p99 within ${TARGET_LATENCY * 100}% or ${FIDELITY_P99_MS} ms of bare, either side: ${met(fidelity.every((f) => f.p99Ok))}; not above bare by more (the generator adds no tail of its own): ${met(fidelity.every((f) => f.notAbove))}; CPU per delivery: ${met(fidelity.every((f) => f.cpuOk))}`);
  process.stdout.write(out.join('\n') + '\n');
}

main().then(
  (code) => process.exit(code),
  (err) => {
    process.stderr.write(`bench:load broke: ${(err as Error)?.stack ?? err}\n`);
    process.exit(1);
  },
);
