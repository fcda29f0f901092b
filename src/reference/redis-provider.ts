import { spawn } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';
import { createClient } from 'redis';
import { TargetError } from '../errors.js';
import { killOnExit } from '../processes/child-reaper.js';
import { findFreePort } from '../processes/free-port.js';
import { killWhenOrphaned } from '../processes/orphan-watchdog.js';

export interface RedisProviderLogger {
  info(...args: any[]): void;
  warn(...args: any[]): void;
}

export interface ProvidedRedis {
  /** Undefined when no Redis could be had (source 'none'). */
  url?: string;
  source: 'given' | 'redis-server' | 'container' | 'none';
  /** Why there is no Redis and how to get one (source 'none'). */
  hint?: string;
  /** Stops what this provider started (a given URL is left alone). Safe to call twice. */
  stop(): Promise<void>;
}

export const NO_REDIS_HINT = 'multi-instance cases need Redis: pass --redis-url, install redis-server, or run Docker';
const PING_TIMEOUT_MS = 2000;
const START_DEADLINE_MS = 5000;

/**
 * A Redis for multi-instance runs, in this order: the given URL (must answer PING within 2 s), a
 * `redis-server` on PATH started on a free loopback port, a `redis:7` container when a Docker engine
 * answers, else none with a hint.
 */
export async function provideRedis(opts: { redisUrl?: string; logger?: RedisProviderLogger }): Promise<ProvidedRedis> {
  const logger = opts.logger;
  if (opts.redisUrl) {
    const failure = await pingFailure(opts.redisUrl, PING_TIMEOUT_MS);
    if (failure) throw new TargetError(`Redis at ${redactUrl(opts.redisUrl)} did not answer PING within ${PING_TIMEOUT_MS} ms: ${failure}`);
    return { url: opts.redisUrl, source: 'given', stop: async () => {} };
  }

  const binary = findOnPath('redis-server');
  if (binary) {
    try {
      const started = await startRedisServer(binary);
      logger?.info({ url: started.url }, 'started redis-server');
      return started;
    } catch (err) {
      logger?.warn({ err: (err as Error).message }, 'could not start redis-server; trying Docker');
    }
  }

  try {
    const started = await startContainer();
    logger?.info({ url: started.url }, 'started a redis:7 container');
    return started;
  } catch (err) {
    const message = (err as Error)?.message ?? String(err);
    if (!/Could not find a working container runtime strategy/i.test(message)) {
      logger?.warn({ err: message }, 'could not start a redis:7 container');
    }
  }
  return { source: 'none', hint: NO_REDIS_HINT, stop: async () => {} };
}

/** The URL with its password, if any, replaced by ***. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return url;
  }
}

/** Undefined when the server answers PING in time, else what went wrong. */
async function pingFailure(url: string, timeoutMs: number): Promise<string | undefined> {
  const client = createClient({ url, socket: { connectTimeout: timeoutMs, reconnectStrategy: false } });
  let lastError: string | undefined;
  client.on('error', (err: Error) => (lastError = err.message));
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
  });
  try {
    await Promise.race([
      (async () => {
        await client.connect();
        await client.ping();
      })(),
      deadline,
    ]);
    return undefined;
  } catch (err) {
    return (err as Error)?.message || lastError || 'unknown error';
  } finally {
    clearTimeout(timer);
    try {
      client.destroy();
    } catch {
      /* never connected */
    }
  }
}

function findOnPath(name: string): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (!dir) continue;
    const candidate = join(dir, name);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      /* not here */
    }
  }
  return undefined;
}


async function startRedisServer(binary: string): Promise<ProvidedRedis> {
  let lastError: Error | undefined;
  // The free port can be taken between finding it and redis binding it; try a few.
  for (let attempt = 0; attempt < 3; attempt++) {
    const port = await findFreePort();
    try {
      return await startRedisServerOn(binary, port);
    } catch (err) {
      lastError = err as Error;
    }
  }
  throw lastError ?? new Error('redis-server did not start');
}

async function startRedisServerOn(binary: string, port: number): Promise<ProvidedRedis> {
  const url = `redis://127.0.0.1:${port}`;
  const child = spawn(binary, ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  killOnExit(child);
  killWhenOrphaned(child);
  let output = '';
  const keep = (chunk: Buffer) => (output = (output + chunk.toString()).slice(-2000));
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  let exited: string | undefined;
  const exitPromise = new Promise<void>((resolve) => {
    child.once('exit', (code, signal) => {
      exited = `exited with ${signal ?? `code ${code}`}`;
      resolve();
    });
    child.once('error', (err) => {
      exited = `failed to start: ${err.message}`;
      resolve();
    });
  });

  const stop = async () => {
    if (exited === undefined) {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 2000);
      await exitPromise;
      clearTimeout(timer);
    }
  };

  const deadline = Date.now() + START_DEADLINE_MS;
  while (Date.now() < deadline) {
    if (exited !== undefined) break;
    if ((await pingFailure(url, 500)) === undefined) {
      // Up: it must not keep this process alive by itself; the exit hook kills it if stop() is never called.
      child.unref();
      for (const stream of [child.stdout, child.stderr]) (stream as unknown as { unref?: () => void }).unref?.();
      return { url, source: 'redis-server', stop };
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  await stop();
  throw new Error(`redis-server on port ${port} ${exited ?? `did not answer PING within ${START_DEADLINE_MS} ms`}; output: ${output.trim().slice(-500)}`);
}

async function startContainer(): Promise<ProvidedRedis> {
  const { GenericContainer, Wait } = await import('testcontainers');
  const container = await new GenericContainer('redis:7').withExposedPorts(6379).withWaitStrategy(Wait.forLogMessage(/Ready to accept connections/)).start();
  const url = `redis://${container.getHost()}:${container.getMappedPort(6379)}`;
  let stopped = false;
  return {
    url,
    source: 'container',
    stop: async () => {
      if (stopped) return;
      stopped = true;
      await container.stop();
    },
  };
}
