/**
 * npm run bench:source-addresses — more concurrent connections from one generator machine to one
 * destination than one source address has ephemeral ports, with gatecheck's `--source-addresses`
 * code (src/load/source-addresses.ts), and the kernel limits such a run meets.
 *
 * One destination: a Socket.IO server on 127.0.0.1:PORT, its accepted sockets spread over several
 * cluster workers (bench/holding-server.ts) so each stays under its open-files limit. The clients are
 * socket.io-client sockets (websocket) in several child processes (bench/socket-holder.ts), for the
 * same reason. Two phases, one after the other:
 *   1. without source addresses: every socket leaves from 127.0.0.1, until connect() fails with
 *      EADDRNOTAVAIL (the (source, destination) pair has run out of ports), at most 1.1 x the port range;
 *   2. with them: BENCH_CONNECTIONS sockets over BENCH_ADDRESSES (slots take the addresses in turn, as
 *      the load VUs do), all held at once; the server counts them by client address.
 * After each phase the server resets every connection (an RST: no TIME_WAIT is left behind).
 * Figures, not a pass/fail: the exit code is non-zero only when the bench itself broke.
 *
 * Env: BENCH_CONNECTIONS (phase 2; default 32000), BENCH_ADDRESSES (default 127.0.0.2-127.0.0.3; a
 * range, list or count as --source-addresses takes), BENCH_PER_PROCESS (sockets per client or server
 * process; default 15000, under this machine's 20000 open files), BENCH_IN_FLIGHT (handshakes at once per
 * client process; default 64), BENCH_PHASE_SECONDS (a phase's deadline; default 600), BENCH_BASELINE=0
 * (skip phase 1), BENCH_OUT (every figure as JSON to this file).
 */
import cluster, { type Worker } from 'node:cluster';
import { fork, type ChildProcess } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { cpus, totalmem } from 'node:os';
import { fileURLToPath } from 'node:url';
import { parseSourceAddresses } from '../src/load/source-addresses.js';
import type { ServerCommand, ServerReport } from './holding-server.js';
import { kernelLimits, kernelState, type KernelState } from './kernel-limits.js';
import { openFds, readProc } from './proc.js';
import type { HolderReport, OpenCommand } from './socket-holder.js';

const log = (line: string) => process.stderr.write(`[bench:source-addresses] ${line}\n`);
const fail = (message: string): never => {
  log(message);
  process.exit(2);
};

// ---------- knobs ----------
const connections = Number(process.env.BENCH_CONNECTIONS ?? 32000);
const addresses = parseSourceAddresses(process.env.BENCH_ADDRESSES ?? '127.0.0.2-127.0.0.3');
const perProcess = Number(process.env.BENCH_PER_PROCESS ?? 15000);
const inFlight = Number(process.env.BENCH_IN_FLIGHT ?? 64);
const phaseSeconds = Number(process.env.BENCH_PHASE_SECONDS ?? 600);
const withBaseline = process.env.BENCH_BASELINE !== '0';
if (typeof addresses === 'string') fail(`BENCH_ADDRESSES: ${addresses}`);
for (const [name, value] of Object.entries({ BENCH_CONNECTIONS: connections, BENCH_PER_PROCESS: perProcess, BENCH_IN_FLIGHT: inFlight, BENCH_PHASE_SECONDS: phaseSeconds })) {
  if (!Number.isInteger(value) || value <= 0) fail(`${name} must be a positive whole number`);
}
const sources = addresses as string[];
const limits = kernelLimits();
if (limits.nofileSoft && perProcess > limits.nofileSoft - 200) fail(`BENCH_PER_PROCESS ${perProcess} leaves no headroom under the open-files limit ${limits.nofileSoft} (ulimit -n)`);

/** `total` connections in slices of at most `per`, as even as possible: one slice per process. */
function slices(total: number, per: number): Array<{ firstSlot: number; count: number }> {
  const n = Math.ceil(total / per);
  return Array.from({ length: n }, (_, i) => {
    const firstSlot = Math.floor((i * total) / n);
    return { firstSlot, count: Math.floor(((i + 1) * total) / n) - firstSlot };
  });
}

const here = (file: string) => fileURLToPath(new URL(file, import.meta.url));
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const mb = (bytes: number) => bytes / 1024 / 1024;
const fmt = (n: number, digits = 1) => (Number.isFinite(n) ? n.toFixed(digits) : '-');

// ---------- the destination: one port, several worker processes ----------
interface Servers {
  port: number;
  workers: Worker[];
  ask(command: ServerCommand): Promise<{ connected: number; byAddress: Record<string, number> }>;
  rssBytes(): number;
}

async function startServers(count: number): Promise<Servers> {
  cluster.setupPrimary({ exec: here('./holding-server.js') });
  const workers = Array.from({ length: count }, () => cluster.fork());
  const ports = await Promise.all(
    workers.map((w) => new Promise<number>((resolve) => w.on('message', (m: ServerReport) => m.kind === 'listening' && resolve(m.port)))),
  );
  if (new Set(ports).size !== 1) throw new Error(`the server workers listen on different ports: ${ports.join(', ')}`);
  return {
    port: ports[0],
    workers,
    async ask(command) {
      const answers = await Promise.all(
        workers.map(
          (w) =>
            new Promise<{ connected: number; byAddress: Record<string, number> }>((resolve) => {
              const on = (m: ServerReport) => m.kind === 'count' && (w.off('message', on), resolve(m));
              w.on('message', on);
              w.send(command);
            }),
        ),
      );
      const byAddress: Record<string, number> = {};
      for (const a of answers) for (const [k, v] of Object.entries(a.byAddress)) byAddress[k] = (byAddress[k] ?? 0) + v;
      return { connected: answers.reduce((t, a) => t + a.connected, 0), byAddress };
    },
    rssBytes: () => workers.reduce((t, w) => t + (readProc(w.process.pid!)?.rssBytes ?? 0), 0),
  };
}

// ---------- one phase ----------
interface PhaseResult {
  name: string;
  sources: string[];
  asked: number;
  holders: number;
  attempted: number;
  connected: number;
  /** Connected at the end of the phase as the server counts them, by client address. */
  serverConnected: number;
  byAddress: Record<string, number>;
  failures: Record<string, number>;
  /** Connections held by all client processes when the first EADDRNOTAVAIL came (sampled every 500 ms). */
  connectedAtFirstExhaustion?: number;
  seconds: number;
  connectsPerSecond: number;
  connectMs: { p50: number; p99: number; max: number };
  memory: { clientKbPerConnection: number; serverKbPerConnection: number; kernelSlabKbPerConnection: number; tcpBufferKbPerConnection: number; clientRssMb: number; serverRssMb: number };
  kernel: { before: KernelState; peak: KernelState; conntrackPeak?: number; listenOverflows: number; listenDrops: number };
  /** Open files of the busiest client process. */
  fdsPerClientProcessMax: number;
}

async function runPhase(name: string, servers: Servers, phaseSources: string[], asked: number, stopOnExhaustion: boolean): Promise<PhaseResult> {
  const before = kernelState();
  const serverRssBefore = servers.rssBytes();
  const parts = slices(asked, perProcess);
  log(`${name}: ${asked} connections to 127.0.0.1:${servers.port} from ${phaseSources.length ? phaseSources.join(', ') : '127.0.0.1 (the kernel picks)'}, ${parts.length} client processes, ${inFlight} handshakes in flight each`);
  const reports = new Map<ChildProcess, HolderReport>();
  const rssStart = new Map<ChildProcess, number>();
  let started: number | undefined;
  const holders = parts.map((part) => {
    const child = fork(here('./socket-holder.js'), [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    // More failures in a row than this: the ports have run out (phase 1); never, in phase 2.
    const giveUpAfter = stopOnExhaustion ? 2 * inFlight : part.count + 1;
    const command: OpenCommand = { kind: 'open', url: `http://127.0.0.1:${servers.port}`, ...part, addresses: phaseSources, inFlight, giveUpAfter, timeoutMs: 20_000 };
    child.on('message', (m: HolderReport) => {
      // The first report is the holder's start-up RSS: opening waits for it, so the growth is the sockets'.
      if (!rssStart.has(child)) {
        rssStart.set(child, m.rssBytes);
        started ??= Date.now();
        child.send(command);
      }
      reports.set(child, m);
    });
    return child;
  });
  const deadline = Date.now() + phaseSeconds * 1000;
  const total = () => [...reports.values()].reduce((t, r) => t + r.connected, 0);
  let peak = before;
  let conntrackPeak = before.conntrackCount;
  let connectedAtFirstExhaustion: number | undefined;
  let lastLog = 0;
  let [lastTotal, lastChangeAt] = [0, Date.now()];
  for (;;) {
    await sleep(500);
    const now = kernelState();
    if (now.tcpInUse > peak.tcpInUse) peak = now;
    if (now.conntrackCount !== undefined) conntrackPeak = Math.max(conntrackPeak ?? 0, now.conntrackCount);
    if (connectedAtFirstExhaustion === undefined && [...reports.values()].some((r) => r.failures.EADDRNOTAVAIL)) connectedAtFirstExhaustion = total();
    const all = [...reports.values()];
    if (Date.now() - lastLog > 5000) {
      lastLog = Date.now();
      const failed = all.reduce((t, r) => t + Object.values(r.failures).reduce((a, b) => a + b, 0), 0);
      log(`  ${Math.round((Date.now() - (started ?? Date.now())) / 1000)} s: ${total()} connected, ${failed} failed, TCP sockets in use ${now.tcpInUse}`);
    }
    // Out of ports: once EADDRNOTAVAIL came and the count stood still for 5 s, nothing more will connect.
    if (total() !== lastTotal) [lastTotal, lastChangeAt] = [total(), Date.now()];
    const exhausted = stopOnExhaustion && connectedAtFirstExhaustion !== undefined && Date.now() - lastChangeAt > 5000;
    if ((all.length === holders.length && all.every((r) => r.done)) || exhausted || Date.now() > deadline) break;
  }
  const seconds = (Date.now() - (started ?? Date.now())) / 1000;
  const all = [...reports.values()];
  const server = await servers.ask({ kind: 'count' });
  const atPlateau = kernelState();
  const connected = total();
  const clientRss = all.reduce((t, r) => t + r.rssBytes, 0);
  const clientRssStart = [...rssStart.values()].reduce((t, b) => t + b, 0);
  const serverRss = servers.rssBytes();
  const failures: Record<string, number> = {};
  for (const r of all) for (const [k, v] of Object.entries(r.failures)) failures[k] = (failures[k] ?? 0) + v;
  const latencies = all.map((r) => r.connectMs).filter((x) => x !== undefined);
  const fds = holders.map((h) => (h.pid ? (openFds(h.pid) ?? 0) : 0));
  // Worst of the holders: their percentiles do not merge, the worst bounds the whole.
  const connectMs = { p50: Math.max(...latencies.map((l) => l.p50)), p99: Math.max(...latencies.map((l) => l.p99)), max: Math.max(...latencies.map((l) => l.max)) };
  const per = (delta: number) => (connected ? delta / connected : NaN);
  const result: PhaseResult = {
    name,
    sources: phaseSources,
    asked,
    holders: holders.length,
    attempted: all.reduce((t, r) => t + r.attempted, 0),
    connected,
    serverConnected: server.connected,
    byAddress: server.byAddress,
    failures,
    connectedAtFirstExhaustion,
    seconds,
    connectsPerSecond: connected / seconds,
    connectMs,
    memory: {
      clientKbPerConnection: per(clientRss - clientRssStart) / 1024,
      serverKbPerConnection: per(serverRss - serverRssBefore) / 1024,
      kernelSlabKbPerConnection: per(atPlateau.slabKb - before.slabKb),
      tcpBufferKbPerConnection: per((atPlateau.tcpMemPages - before.tcpMemPages) * 4),
      clientRssMb: mb(clientRss),
      serverRssMb: mb(serverRss),
    },
    kernel: { before, peak: atPlateau.tcpInUse > peak.tcpInUse ? atPlateau : peak, conntrackPeak, listenOverflows: atPlateau.listenOverflows - before.listenOverflows, listenDrops: atPlateau.listenDrops - before.listenDrops },
    fdsPerClientProcessMax: Math.max(...fds),
  };
  log(`${name}: ${connected} connected in ${fmt(seconds)} s (server holds ${server.connected}: ${Object.entries(server.byAddress).map(([a, n]) => `${a} ${n}`).join(', ')}); failures ${JSON.stringify(failures)}`);
  // Reset from the server side, then let the client processes go.
  await servers.ask({ kind: 'reset' });
  for (const h of holders) h.send({ kind: 'exit' });
  await Promise.all(holders.map((h) => (h.exitCode !== null ? Promise.resolve() : new Promise((r) => h.once('exit', r)))));
  return result;
}

// ---------- the report ----------
function table(head: string[], rows: Array<Array<string | number>>): string {
  return [`| ${head.join(' | ')} |`, `| ${head.map(() => '---').join(' | ')} |`, ...rows.map((r) => `| ${r.join(' | ')} |`)].join('\n');
}

function report(phases: PhaseResult[], serverProcesses: number): string {
  const l = limits;
  const lines = [
    `machine: ${cpus().length} cores, ${Math.round(totalmem() / 1024 / 1024)} MB RAM, Node ${process.version}; one destination 127.0.0.1:PORT served by up to ${serverProcesses} Socket.IO worker processes (node:cluster, fresh for each phase), clients socket.io-client (websocket) in child processes of at most ${perProcess} sockets`,
    `kernel limits: ephemeral ports ${l.portRange[0]}-${l.portRange[1]} = ${l.ports} per (source address, destination); open files ${l.nofileSoft} soft / ${l.nofileHard} hard per process (fs.nr_open ${l.nrOpen ?? '-'}, fs.file-max ${l.fileMax ?? '-'}); net.core.somaxconn ${l.somaxconn ?? '-'}, tcp_max_syn_backlog ${l.tcpMaxSynBacklog ?? '-'} (Node listens with a backlog of 511); nf_conntrack_max ${l.conntrackMax ?? 'no conntrack module'}; tcp_tw_reuse ${l.tcpTwReuse ?? '-'}; tcp_mem ${l.tcpMemPages?.join('/') ?? '-'} pages`,
    '',
    table(
      ['phase', 'source addresses', 'asked', 'client processes', 'connected (clients)', 'held by the server, by client address', 'failures', 'connected at the first EADDRNOTAVAIL', 'seconds', 'connects/s', 'connect p50/p99/max ms'],
      phases.map((p) => [
        p.name,
        p.sources.length ? p.sources.join(', ') : '127.0.0.1 (none given)',
        p.asked,
        p.holders,
        p.connected,
        `${p.serverConnected} (${Object.entries(p.byAddress).map(([a, n]) => `${a}: ${n}`).join(', ')})`,
        Object.entries(p.failures).map(([k, v]) => `${k} ${v}`).join(', ') || '0',
        p.connectedAtFirstExhaustion ?? '-',
        fmt(p.seconds),
        fmt(p.connectsPerSecond, 0),
        `${fmt(p.connectMs.p50)}/${fmt(p.connectMs.p99)}/${fmt(p.connectMs.max)}`,
      ]),
    ),
    '',
    table(
      ['phase', 'client RSS KB per connection', 'server RSS KB per connection', 'kernel slab KB per connection', 'TCP buffer KB per connection', 'client / server RSS MB', 'open files, busiest client process', 'TCP sockets in use (peak)', 'conntrack entries (peak)', 'listen overflows / drops'],
      phases.map((p) => [
        p.name,
        fmt(p.memory.clientKbPerConnection),
        fmt(p.memory.serverKbPerConnection),
        fmt(p.memory.kernelSlabKbPerConnection, 2),
        fmt(p.memory.tcpBufferKbPerConnection, 2),
        `${fmt(p.memory.clientRssMb, 0)} / ${fmt(p.memory.serverRssMb, 0)}`,
        `${p.fdsPerClientProcessMax} of ${l.nofileSoft}`,
        p.kernel.peak.tcpInUse,
        p.kernel.conntrackPeak ?? 'no conntrack',
        `${p.kernel.listenOverflows} / ${p.kernel.listenDrops}`,
      ]),
    ),
  ];
  const [baseline, spread] = phases.length === 2 ? phases : [undefined, phases[0]];
  if (baseline) {
    const exhausted = baseline.failures.EADDRNOTAVAIL ? `ran out of ports at ${baseline.connected} connections (${fmt((baseline.connected / l.ports) * 100)}% of the ${l.ports}-port range) with EADDRNOTAVAIL` : `did not run out of ports (${baseline.connected} connected)`;
    lines.push('', `without source addresses: one (source, destination) pair ${exhausted}`);
  }
  const held = spread.serverConnected;
  lines.push(`with ${spread.sources.length} source addresses: ${held} connections held at once to one destination, ${held > l.ports ? `${fmt(held / l.ports, 2)}x the port range of one address` : 'not beyond the port range of one address'}${spread.failures.EADDRNOTAVAIL ? `; EADDRNOTAVAIL ${spread.failures.EADDRNOTAVAIL}` : ''}`);
  return lines.join('\n');
}

/** A phase against server processes of its own, so their memory growth is this phase's sockets'. */
async function withServers(asked: number, phase: (servers: Servers) => Promise<PhaseResult>): Promise<PhaseResult> {
  const servers = await startServers(Math.ceil(asked / perProcess));
  try {
    return await phase(servers);
  } finally {
    await Promise.all(servers.workers.map((w) => new Promise((r) => (w.once('exit', r), w.kill()))));
  }
}

async function main(): Promise<void> {
  const started = Date.now();
  const baselineAsk = Math.ceil(limits.ports * 1.1);
  const serverProcesses = Math.ceil(Math.max(connections, withBaseline ? baselineAsk : 0) / perProcess);
  const phases: PhaseResult[] = [];
  if (withBaseline) phases.push(await withServers(baselineAsk, (servers) => runPhase('1: without --source-addresses', servers, [], baselineAsk, true)));
  const name = `${phases.length + 1}: --source-addresses ${process.env.BENCH_ADDRESSES ?? '127.0.0.2-127.0.0.3'}`;
  phases.push(await withServers(connections, (servers) => runPhase(name, servers, sources, connections, false)));
  process.stdout.write(`${report(phases, serverProcesses)}\n`);
  log(`done in ${Math.round((Date.now() - started) / 1000)} s`);
  if (process.env.BENCH_OUT) await writeFile(process.env.BENCH_OUT, JSON.stringify({ limits, connections, sources, perProcess, inFlight, phases }, null, 2));
}

main().then(
  () => process.exit(0),
  (err) => {
    log(`broke: ${(err as Error).stack ?? err}`);
    process.exit(1);
  },
);
