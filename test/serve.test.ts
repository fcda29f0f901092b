import { spawn } from 'node:child_process';
import { io } from 'socket.io-client';
import { describe, expect, it } from 'vitest';
import { CLI } from './support/cli.js';

/** Starts `gatecheck serve ARGS` and resolves once it printed everything a person needs. */
async function serve(args: string[]) {
  const child = spawn(process.execPath, [CLI, 'serve', ...args], { env: { ...process.env, NO_COLOR: '1', GATECHECK_JWT_SECRET: '' }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (d) => (out += d));
  const exited = new Promise<number | null>((r) => child.on('close', r));
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => (child.kill('SIGKILL'), reject(new Error(`serve did not get ready: ${out}`))), 20_000);
    child.stdout.on('data', () => out.includes('Ctrl-C stops it.') && (clearTimeout(timer), resolve()));
  });
  return { child, out, exited };
}

describe('gatecheck serve', () => {
  it('starts two instances through Redis, prints usable URLs and tokens, and stops on SIGINT', async () => {
    const { child, out, exited } = await serve(['--instances', '2']);
    try {
      const urls = [...out.matchAll(/instance \d: (http:\/\/127\.0\.0\.1:\d+)/g)].map((m) => m[1]);
      expect(urls).toHaveLength(2);
      expect(out).toContain('redis: redis-server');
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
});
