import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { io } from 'socket.io-client';
import { describe, expect, it } from 'vitest';
import { findFreePort } from '../src/processes/free-port.js';
import { CLI } from './support/cli.js';
import { describeProcess, descendants, killSurvivors, stillAliveAfter } from './support/procs.js';

// Runs its arguments as a child on the same stdio and does nothing else, like `npm exec` (npx): neither
// passes a SIGTERM on, and a SIGKILL cannot be passed on at all.
const WRAPPER = "require('node:child_process').spawn(process.execPath, process.argv.slice(1), { stdio: 'inherit' })";

/** Starts `gatecheck serve ARGS` (under WRAPPER if asked) and resolves once it printed everything a person needs. */
async function serve(args: string[], opts: { wrapped?: boolean } = {}) {
  const argv = opts.wrapped ? ['-e', WRAPPER, CLI, 'serve', ...args] : [CLI, 'serve', ...args];
  const child = spawn(process.execPath, argv, { env: { ...process.env, NO_COLOR: '1', GATECHECK_JWT_SECRET: '' }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout.on('data', (d) => (out += d));
  child.stderr.on('data', (d) => (err += d));
  // 'close': the process has exited and its stdout is closed (under WRAPPER: gatecheck's too).
  const exited = new Promise<number | null>((r) => child.on('close', r));
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => (child.kill('SIGKILL'), reject(new Error(`serve did not get ready: ${out}${err}`))), 20_000);
    child.stdout.on('data', () => out.includes('Ctrl-C stops it.') && (clearTimeout(timer), resolve()));
    void exited.then((code) => (clearTimeout(timer), reject(new Error(`serve exited ${code} before it was ready: ${out}${err}`))));
  });
  return { child, out, stderr: () => err, exited };
}

function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`${what} did not happen within ${ms} ms`)), ms)));
  return Promise.race([promise, deadline]).finally(() => clearTimeout(timer));
}

describe('gatecheck serve', () => {
  it('starts two instances through Redis, prints usable URLs, pids and tokens, and stops on SIGINT', async () => {
    const { child, out, exited } = await serve(['--instances', '2']);
    try {
      const urls = [...out.matchAll(/instance \d: (http:\/\/127\.0\.0\.1:\d+) \(pid \d+\)/g)].map((m) => m[1]);
      expect(urls, out).toHaveLength(2);
      expect(out).toMatch(/redis: redis:\/\/127\.0\.0\.1:\d+ \(redis-server\)/);
      const token = /a token for user alice \(1 h\): (\S+)/.exec(out)![1];
      // The printed token works on every instance.
      for (const url of urls) {
        const socket = io(url, { transports: ['websocket'], auth: { token }, reconnection: false });
        const connected = await new Promise<{ userId: string }>((resolve, reject) => {
          const timer = setTimeout(() => reject(new Error('no connected event')), 5000);
          socket.on('connected', (p) => (clearTimeout(timer), resolve(p)));
        });
        expect(connected.userId).toBe('alice');
        socket.close();
      }
    } finally {
      child.kill('SIGINT');
    }
    expect(await exited).toBe(0);
  });

  it('--dialect kraken serves the Kraken gateway with tokens for its default world', async () => {
    const { child, out, exited } = await serve(['--dialect', 'kraken']);
    try {
      expect(out).toContain('gatecheck init --dialect kraken');
      const url = /instance 1: (http:\/\/127\.0\.0\.1:\d+)/.exec(out)![1];
      const token = /a token for user user-owner \(1 h\): (\S+)/.exec(out)![1];
      const socket = io(url, { transports: ['websocket'], auth: { token }, reconnection: false });
      try {
        // presenceOnline acks 'ACK' only for an authenticated user: the printed token is one.
        const ack = await socket.timeout(5000).emitWithAck('presenceOnline');
        expect(ack).toBe('ACK');
      } finally {
        socket.close();
      }
    } finally {
      child.kill('SIGINT');
    }
    expect(await exited).toBe(0);
  });

  it('prints the Redis URL it was given with the password replaced by ***', async () => {
    const port = await findFreePort();
    const password = `pw-${randomBytes(8).toString('hex')}`;
    const redis = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--requirepass', password], { stdio: ['ignore', 'pipe', 'pipe'] });
    try {
      await within(new Promise((resolve) => redis.stdout.on('data', (d) => String(d).includes('Ready to accept connections') && resolve(undefined))), 10_000, 'redis-server ready');
      const { child, out, exited } = await serve(['--redis-url', `redis://:${password}@127.0.0.1:${port}`]);
      child.kill('SIGINT');
      expect(await within(exited, 10_000, 'serve exit')).toBe(0);
      expect(out).toContain(`redis: redis://:***@127.0.0.1:${port} (given)`);
      expect(out).not.toContain(password);
    } finally {
      redis.kill('SIGKILL');
    }
  });

  it('exits 1 naming the instance when a gateway process dies, and stops the other instance and Redis', async () => {
    const { child, out, stderr, exited } = await serve(['--instances', '2']);
    const tree = descendants(child.pid!);
    try {
      const [, url, pid] = /instance 1: (http:\/\/127\.0\.0\.1:\d+) \(pid (\d+)\)/.exec(out) ?? [];
      expect(pid, out).toBeDefined();
      expect(tree).toContain(Number(pid));
      process.kill(Number(pid), 'SIGKILL');
      expect(await within(exited, 10_000, 'serve exit')).toBe(1);
      expect(stderr()).toContain(`instance 1 (${url}) exited unexpectedly (signal SIGKILL); stopping`);
      expect((await stillAliveAfter(tree, 5_000)).map(describeProcess)).toEqual([]);
    } finally {
      child.kill('SIGKILL');
      killSurvivors(tree);
    }
  });
});

/** The processes below serve --instances 2: two gateways and a redis-server (and gatecheck itself under WRAPPER). */
function expectServeTree(tree: number[], opts: { gatecheck: boolean }) {
  const procs = tree.map(describeProcess).join('\n');
  expect(procs.match(/cli\.js serve/g) ?? [], procs).toHaveLength(opts.gatecheck ? 1 : 0);
  expect(procs.match(/chat-service\/main\.js/g) ?? [], procs).toHaveLength(2);
  expect(procs, procs).toMatch(/redis-server/);
}

describe('gatecheck serve leaves nothing running behind it', () => {
  it('stops, with its gateways and redis-server, when its parent dies without passing a signal on (as npm exec does)', async () => {
    const { child: wrapper, exited } = await serve(['--instances', '2'], { wrapped: true });
    const tree = descendants(wrapper.pid!);
    try {
      expectServeTree(tree, { gatecheck: true });
      wrapper.kill('SIGKILL');
      await within(exited, 10_000, 'gatecheck exit after its parent died');
      expect((await stillAliveAfter(tree, 5_000)).map(describeProcess)).toEqual([]);
    } finally {
      wrapper.kill('SIGKILL');
      killSurvivors(tree);
    }
  });

  it('its gateways and redis-server stop when gatecheck itself is SIGKILLed', async () => {
    const { child, exited } = await serve(['--instances', '2']);
    const tree = descendants(child.pid!);
    try {
      expectServeTree(tree, { gatecheck: false });
      child.kill('SIGKILL');
      await within(exited, 5_000, 'gatecheck exit');
      expect((await stillAliveAfter(tree, 10_000)).map(describeProcess)).toEqual([]);
    } finally {
      child.kill('SIGKILL');
      killSurvivors(tree);
    }
  });
});
