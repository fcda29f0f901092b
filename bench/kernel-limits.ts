import { readFileSync } from 'node:fs';

/** One sysctl-like file, trimmed; undefined where it does not exist (no conntrack module, another OS). */
export function readSys(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8').trim();
  } catch {
    return undefined;
  }
}

const num = (path: string) => {
  const text = readSys(path);
  return text === undefined ? undefined : Number(text.split(/\s+/)[0]);
};

/** The kernel limits a many-connection run on one machine meets, as this machine has them. */
export interface KernelLimits {
  /** net.ipv4.ip_local_port_range and its size: the ports one (source address, destination) pair can use. */
  portRange: [number, number];
  ports: number;
  /** RLIMIT_NOFILE of this process (its children inherit it). */
  nofileSoft: number;
  nofileHard: number;
  /** fs.nr_open (the highest a hard limit may be raised to) and fs.file-max (files system-wide). */
  nrOpen?: number;
  fileMax?: number;
  /** net.core.somaxconn (caps a listen backlog) and net.ipv4.tcp_max_syn_backlog. */
  somaxconn?: number;
  tcpMaxSynBacklog?: number;
  /** net.netfilter.nf_conntrack_max when the conntrack module is loaded. */
  conntrackMax?: number;
  tcpTwReuse?: number;
  /** net.ipv4.tcp_mem in pages: low, pressure, high. */
  tcpMemPages?: number[];
}

export function kernelLimits(): KernelLimits {
  const [low, high] = (readSys('/proc/sys/net/ipv4/ip_local_port_range') ?? '32768 60999').split(/\s+/).map(Number);
  const limits = /Max open files\s+(\d+)\s+(\d+)/.exec(readSys('/proc/self/limits') ?? '');
  return {
    portRange: [low, high],
    ports: high - low + 1,
    nofileSoft: limits ? Number(limits[1]) : 0,
    nofileHard: limits ? Number(limits[2]) : 0,
    nrOpen: num('/proc/sys/fs/nr_open'),
    fileMax: num('/proc/sys/fs/file-max'),
    somaxconn: num('/proc/sys/net/core/somaxconn'),
    tcpMaxSynBacklog: num('/proc/sys/net/ipv4/tcp_max_syn_backlog'),
    conntrackMax: num('/proc/sys/net/netfilter/nf_conntrack_max'),
    tcpTwReuse: num('/proc/sys/net/ipv4/tcp_tw_reuse'),
    tcpMemPages: readSys('/proc/sys/net/ipv4/tcp_mem')?.split(/\s+/).map(Number),
  };
}

/** What the kernel holds for the machine's sockets at one instant: counts, socket memory, slab, drops. */
export interface KernelState {
  at: number;
  /** /proc/net/sockstat: TCP sockets in use, in TIME_WAIT, and TCP buffer memory (pages). */
  tcpInUse: number;
  tcpTimeWait: number;
  tcpMemPages: number;
  /** /proc/meminfo Slab (kB): kernel objects, the sockets' among them. */
  slabKb: number;
  conntrackCount?: number;
  /** TcpExt ListenOverflows / ListenDrops (/proc/net/netstat): SYNs dropped because an accept queue was full. */
  listenOverflows: number;
  listenDrops: number;
}

function netstat(): Record<string, number> {
  const lines = (readSys('/proc/net/netstat') ?? '').split('\n');
  const out: Record<string, number> = {};
  for (let i = 0; i + 1 < lines.length; i += 2) {
    const names = lines[i].split(/\s+/);
    const values = lines[i + 1].split(/\s+/);
    if (names[0] === 'TcpExt:') names.slice(1).forEach((n, k) => (out[n] = Number(values[k + 1])));
  }
  return out;
}

export function kernelState(): KernelState {
  const sockstat = readSys('/proc/net/sockstat') ?? '';
  const field = (name: string) => Number(new RegExp(`TCP:.*\\b${name} (\\d+)`).exec(sockstat)?.[1] ?? 0);
  const slab = /^Slab:\s+(\d+)/m.exec(readSys('/proc/meminfo') ?? '');
  const tcp = netstat();
  return {
    at: Date.now(),
    tcpInUse: field('inuse'),
    tcpTimeWait: field('tw'),
    tcpMemPages: field('mem'),
    slabKb: slab ? Number(slab[1]) : 0,
    conntrackCount: num('/proc/sys/net/netfilter/nf_conntrack_count'),
    listenOverflows: tcp.ListenOverflows ?? 0,
    listenDrops: tcp.ListenDrops ?? 0,
  };
}
