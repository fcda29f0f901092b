import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { TargetError } from '../errors.js';
import { log } from '../log.js';
import type { ProtocolName } from '../protocol/names.js';
import { killOnExit } from '../processes/child-reaper.js';
import { findProjectRoot } from '../project-root.js';
import { REFERENCE_GATEWAYS } from './gateways.js';

export interface ReferenceGatewayOptions {
  instances: number;
  /** Required when instances > 1: the instances share state and broadcasts through it. */
  redisUrl?: string;
  mutant?: string;
  jwtSecret: string;
  /** undefined = the gateway's default (10/1000 ms), null = off. */
  rateLimit?: { max: number; windowMs: number } | null;
  /**
   * How the chat gateway's instances share broadcasts (passed as --adapter): 'pubsub' (its default,
   * @socket.io/redis-adapter) or 'streams' (@socket.io/redis-streams-adapter with connection state
   * recovery; needs redisUrl). The kraken gateway has pub/sub only: 'streams' is refused there.
   */
  adapter?: 'pubsub' | 'streams';
  /** Which reference gateway (default chat-service); its mutants and adapters come with it. */
  gateway?: ProtocolName;
  /** Refuse connections over `max` per client IP per window with connect_error RATE_LIMITED (Kraken v0.1.2: 10/60000). */
  connectLimit?: { max: number; windowMs: number };
  /** Further flags for the gateway process (e.g. --presence-ttl-ms 800). */
  extraArgs?: string[];
}

export interface ReferenceInstance {
  url: string;
  /** The current child's pid (changes on restart()). */
  readonly pid: number;
  /** Signals the child (SIGTERM by default) and waits until it has exited (SIGKILL after 5 s). */
  kill(signal?: NodeJS.Signals): Promise<void>;
  /** Stops the child if it still runs and starts a new one on the same port. */
  restart(): Promise<void>;
}

export interface ReferenceGateway {
  urls: string[];
  instances: ReferenceInstance[];
  /** Resolves when a child exits without kill(), restart() or stop() asking it to; never otherwise. */
  died: Promise<UnexpectedExit>;
  stop(): Promise<void>;
}

export interface UnexpectedExit {
  /** 1-based, as serve numbers the instances. */
  instance: number;
  url: string;
  code: number | null;
  signal: NodeJS.Signals | null;
  stderrTail: string;
}

interface ExitStatus {
  code: number | null;
  signal: NodeJS.Signals | null;
}

// A gateway that exits is reported at once; this only bounds one that hangs. Generous: on a busy 2-core
// machine (type-checks and test runs beside it) loading the gateway alone took over 10 s.
const READY_DEADLINE_MS = 30_000;
const KILL_GRACE_MS = 5_000;
const TAIL_CHARS = 4000;


interface RunningChild {
  child: ChildProcess;
  url: string;
  exited: Promise<ExitStatus>;
  /** Set by stopChild: the exit that follows is expected. */
  stopRequested: boolean;
  hasExited(): boolean;
  stderrTail(): string;
}

/** Starts a reference gateway (fixtures/reference-gateways/NAME) as child processes, one per instance. */
export async function startReferenceGateway(opts: ReferenceGatewayOptions): Promise<ReferenceGateway> {
  if (!Number.isInteger(opts.instances) || opts.instances < 1) throw new TargetError(`instances must be a positive integer, not ${opts.instances}`);
  if (opts.instances > 1 && !opts.redisUrl) throw new TargetError(`${opts.instances} reference instances need a Redis URL to share state and broadcasts`);
  if (!opts.jwtSecret) throw new TargetError('the reference gateway needs a JWT secret');
  const name = opts.gateway ?? 'chat-service';
  const gateway = REFERENCE_GATEWAYS[name];
  const problem = opts.mutant === undefined ? undefined : gateway.mutants.problemWith(opts.mutant);
  if (problem) throw new TargetError(problem);
  if (opts.adapter !== undefined) {
    if (opts.adapter !== 'pubsub' && opts.adapter !== 'streams') throw new TargetError(`unknown adapter "${String(opts.adapter)}"; known: pubsub, streams`);
    if (!gateway.adapters.includes(opts.adapter)) {
      throw new TargetError(`the ${name} reference gateway has no ${opts.adapter} adapter (it shares broadcasts through ${gateway.adapters.join(', ')} only)`);
    }
    if (opts.adapter === 'streams' && !opts.redisUrl) throw new TargetError('the streams adapter needs a Redis URL');
  }
  const entry = join(findProjectRoot(), 'dist', gateway.dir, 'main.js');
  if (!existsSync(entry)) throw new TargetError(`the reference gateway is not built (${entry} is missing): run npm run build`);

  const launch = (instanceId: string, port: number) => launchChild(entry, instanceId, port, opts);
  const settled = await Promise.allSettled(Array.from({ length: opts.instances }, (_, i) => launch(`reference-${i + 1}`, 0)));
  const failed = settled.find((s): s is PromiseRejectedResult => s.status === 'rejected');
  if (failed) {
    await Promise.all(settled.map((s) => (s.status === 'fulfilled' ? stopChild(s.value, 'SIGKILL') : undefined)));
    throw failed.reason;
  }
  const running = settled.map((s) => (s as PromiseFulfilledResult<RunningChild>).value);

  let reportDeath!: (exit: UnexpectedExit) => void;
  const died = new Promise<UnexpectedExit>((resolve) => (reportDeath = resolve));
  const watch = (child: RunningChild, instance: number) =>
    void child.exited.then(({ code, signal }) => {
      if (!child.stopRequested) reportDeath({ instance, url: child.url, code, signal, stderrTail: child.stderrTail() });
    });
  running.forEach((child, i) => watch(child, i + 1));

  const instances: ReferenceInstance[] = running.map((first, i) => {
    let current = first;
    const instanceId = `reference-${i + 1}`;
    const port = Number(new URL(first.url).port);
    return {
      url: first.url,
      get pid() {
        return current.child.pid ?? -1;
      },
      kill: (signal: NodeJS.Signals = 'SIGTERM') => stopChild(current, signal),
      async restart() {
        await stopChild(current, 'SIGTERM');
        current = await launch(instanceId, port);
        watch(current, i + 1);
      },
    };
  });

  return {
    urls: instances.map((i) => i.url),
    instances,
    died,
    async stop() {
      await Promise.all(instances.map((i) => i.kill('SIGTERM')));
    },
  };
}

function launchChild(entry: string, instanceId: string, port: number, opts: ReferenceGatewayOptions): Promise<RunningChild> {
  const args = [entry, '--port', String(port), '--instance-id', instanceId];
  if (opts.mutant) args.push('--mutant', opts.mutant);
  // A gateway with one adapter has no --adapter flag: it is all it does.
  if (opts.adapter && REFERENCE_GATEWAYS[opts.gateway ?? 'chat-service'].adapters.length > 1) args.push('--adapter', opts.adapter);
  args.push(...(opts.extraArgs ?? []));
  if (opts.connectLimit) args.push('--connect-limit', `${opts.connectLimit.max}/${opts.connectLimit.windowMs}`);
  if (opts.rateLimit !== undefined) args.push('--rate-limit', opts.rateLimit ? `${opts.rateLimit.max}/${opts.rateLimit.windowMs}` : 'off');
  // Secrets travel in the environment, never in argv (visible to ps).
  const env: NodeJS.ProcessEnv = { ...process.env, GATECHECK_JWT_SECRET: opts.jwtSecret };
  delete env.GATECHECK_MUTANT;
  delete env.GATECHECK_REDIS_URL;
  if (opts.redisUrl) env.GATECHECK_REDIS_URL = opts.redisUrl;

  const child = spawn(process.execPath, args, { env, stdio: ['pipe', 'pipe', 'pipe'] });
  killOnExit(child);
  let stderr = '';
  let stdoutBuffer = '';
  let exitReason: string | undefined;
  child.stderr!.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-TAIL_CHARS)));
  // A parent that dies closes this pipe; the child exits when its stdin ends.
  child.stdin!.on('error', () => undefined);
  const exited = new Promise<ExitStatus>((resolve) => {
    child.once('exit', (code, signal) => {
      exitReason = signal ? `was killed by ${signal}` : `exited with code ${code}`;
      log().debug({ instance: instanceId, pid: child.pid, code, signal }, 'reference instance exited');
      resolve({ code, signal });
    });
    child.once('error', (err) => {
      exitReason = `could not be started: ${err.message}`;
      resolve({ code: null, signal: null });
    });
  });
  const tail = () => stderr.trim().split('\n').slice(-15).join('\n');

  return new Promise<RunningChild>((resolve, reject) => {
    let done = false;
    const fail = async (why: string) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      if (!exitReason) {
        child.kill('SIGKILL');
        await exited;
      }
      const stderrTail = tail();
      reject(new TargetError(`reference gateway ${instanceId} ${why}${stderrTail ? `; its stderr:\n${stderrTail}` : ' (no stderr output)'}`));
    };
    const timer = setTimeout(() => void fail(`printed no READY line within ${READY_DEADLINE_MS / 1000} s`), READY_DEADLINE_MS);
    void exited.then(() => fail(`${exitReason} before it was ready`));

    child.stdout!.on('data', (chunk: Buffer) => {
      if (done) return;
      stdoutBuffer += chunk.toString();
      let newline: number;
      while (!done && (newline = stdoutBuffer.indexOf('\n')) >= 0) {
        const line = stdoutBuffer.slice(0, newline).trim();
        stdoutBuffer = stdoutBuffer.slice(newline + 1);
        if (!line.startsWith('READY ')) continue;
        let ready: { url?: unknown };
        try {
          ready = JSON.parse(line.slice('READY '.length)) as { url?: unknown };
        } catch {
          void fail(`printed a READY line that is not JSON: ${line.slice(0, 200)}`);
          return;
        }
        if (typeof ready.url !== 'string') {
          void fail(`printed a READY line without a url: ${line.slice(0, 200)}`);
          return;
        }
        done = true;
        clearTimeout(timer);
        // Running: it must not keep this process alive by itself (the exit hook and its stdin see to it).
        child.unref();
        for (const stream of [child.stdin, child.stdout, child.stderr]) (stream as unknown as { unref?: () => void }).unref?.();
        log().debug({ instance: instanceId, pid: child.pid, url: ready.url }, 'reference instance ready');
        resolve({ child, url: ready.url, exited, stopRequested: false, hasExited: () => exitReason !== undefined, stderrTail: tail });
      }
    });
  });
}

async function stopChild(running: RunningChild, signal: NodeJS.Signals): Promise<void> {
  running.stopRequested = true;
  if (running.hasExited()) return;
  running.child.kill(signal);
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([
    running.exited,
    new Promise<void>((resolve) => {
      timer = setTimeout(() => {
        running.child.kill('SIGKILL');
        resolve();
      }, KILL_GRACE_MS);
    }),
  ]);
  clearTimeout(timer);
  await running.exited;
}
