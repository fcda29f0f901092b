import { request } from 'node:http';
import WebSocket from 'ws';

/**
 * A bare Engine.IO v4 session (no Socket.IO client): the robustness suite writes packets a real client
 * never would. Over a WebSocket each frame is one packet; over HTTP long-polling packets travel in
 * request bodies separated by \x1e. The session answers Engine.IO pings and records every text packet.
 */
export type RawTransport = 'websocket' | 'polling';

export interface RawSession {
  readonly transport: RawTransport;
  /** Text packets received, in order (Engine.IO level: "40{...}", "42[...]", ...); binary ones as "<binary N bytes>". */
  readonly received: string[];
  /** Why the server ended the session, once it did (close, Engine.IO close, Socket.IO DISCONNECT, unknown session). */
  readonly endedBy: string | undefined;
  /** Sends one Engine.IO packet; a write the server refuses ends the session rather than throwing. */
  send(packet: string | Buffer): Promise<void>;
  /** The first received packet (from index `from`) the predicate accepts, or undefined after ms. */
  waitFor(predicate: (packet: string) => boolean, ms: number, from?: number): Promise<string | undefined>;
  /** Why the session ended, or undefined when it is still open after ms. */
  endsWithin(ms: number): Promise<string | undefined>;
  /** Resolves true once check() holds (asked on every packet and at the end), false after ms. */
  until(check: () => boolean, ms: number): Promise<boolean>;
  /** Stops reading from the socket (a client that never reads): the server's writes pile up on its side. */
  stopReading(): void;
  /** Reads again after stopReading: what the server sent meanwhile, its close included. */
  resumeReading(): void;
  /** Leaves as a client library does: a Socket.IO DISCONNECT, then the transport closed in order (a client disconnect, not a lost connection). */
  leave(): Promise<void>;
  close(): void;
}

export interface RawSessionOptions {
  url: string;
  path: string;
  transport: RawTransport;
  timeoutMs: number;
}

/** Opens the Engine.IO session (the server's open packet "0{...}" received); rejects when the handshake fails. */
export function openRawSession(opts: RawSessionOptions): Promise<RawSession> {
  return opts.transport === 'websocket' ? openWebSocket(opts) : openPolling(opts);
}

/** The Socket.IO CONNECT packet for the main namespace (or another), with an auth object. */
export const connectPacket = (auth: unknown, nsp = '/') => `40${nsp === '/' ? '' : `${nsp},`}${auth === undefined ? '' : JSON.stringify(auth)}`;

/** A Socket.IO EVENT packet: "42" [ack id] JSON array. */
export const eventPacket = (event: string, payload: unknown, ackId?: number) => `42${ackId ?? ''}${JSON.stringify([event, payload])}`;

/** The heartbeat the server announced in its open packet: it drops a client silent for pingInterval + pingTimeout. */
export function heartbeatOf(s: RawSession): { pingInterval: number; pingTimeout: number } | undefined {
  const open = s.received.find((p) => p.startsWith('0{'));
  const { pingInterval, pingTimeout } = (open ? JSON.parse(open.slice(1)) : {}) as { pingInterval?: unknown; pingTimeout?: unknown };
  return typeof pingInterval === 'number' && typeof pingTimeout === 'number' ? { pingInterval, pingTimeout } : undefined;
}

const isEnd = (packet: string) => packet === '1' || packet === '41' || packet.startsWith('41{');

class Recorder {
  readonly received: string[] = [];
  endedBy: string | undefined;
  private readonly waiters = new Set<() => void>();

  push(packet: string): void {
    this.received.push(packet);
    if (isEnd(packet)) this.end(packet === '1' ? 'an Engine.IO close packet' : 'a Socket.IO DISCONNECT packet');
    this.wake();
  }

  end(why: string): void {
    this.endedBy ??= why;
    this.wake();
  }

  private wake(): void {
    for (const w of [...this.waiters]) w();
  }

  /** Resolves with check()'s first defined answer, or undefined after ms. */
  until<T>(check: () => T | undefined, ms: number): Promise<T | undefined> {
    const now = check();
    if (now !== undefined) return Promise.resolve(now);
    return new Promise((resolve) => {
      const done = (value: T | undefined) => {
        clearTimeout(timer);
        this.waiters.delete(waiter);
        resolve(value);
      };
      const waiter = () => {
        const v = check();
        if (v !== undefined) done(v);
      };
      const timer = setTimeout(() => done(undefined), ms);
      this.waiters.add(waiter);
    });
  }

  waitFor(predicate: (p: string) => boolean, ms: number, from = 0): Promise<string | undefined> {
    return this.until(() => this.received.slice(from).find(predicate), ms);
  }

  endsWithin(ms: number): Promise<string | undefined> {
    return this.until(() => this.endedBy, ms);
  }
}

function engineUrl(opts: RawSessionOptions, sid?: string): URL {
  const url = new URL(opts.url);
  url.pathname = `${opts.path.replace(/\/$/, '')}/`;
  url.search = `EIO=4&transport=${opts.transport}${sid ? `&sid=${encodeURIComponent(sid)}` : ''}`;
  if (opts.transport === 'websocket') url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
  return url;
}

function openWebSocket(opts: RawSessionOptions): Promise<RawSession> {
  const rec = new Recorder();
  const ws = new WebSocket(engineUrl(opts).toString(), { handshakeTimeout: opts.timeoutMs, maxPayload: 64 * 1024 * 1024 });
  // ws 7 hands text frames over as strings; ws 8 as Buffers, with isBinary saying which they are.
  ws.on('message', (data: WebSocket.Data, isBinary?: boolean) => {
    if (isBinary === true || (isBinary === undefined && typeof data !== 'string')) {
      rec.push(`<binary ${(data as Buffer).length} bytes>`);
      return;
    }
    const text = data.toString();
    if (text === '2') ws.send('3', () => undefined);
    rec.push(text);
  });
  ws.on('close', (code: number, reason: Buffer | string) => rec.end(`the connection closed (${code}${reason?.toString() ? ` ${reason.toString()}` : ''})`));
  ws.on('error', (err: Error) => rec.end(`the connection failed (${err.message})`));
  const session: RawSession = {
    transport: 'websocket',
    received: rec.received,
    get endedBy() {
      return rec.endedBy;
    },
    send: (packet) =>
      new Promise((resolve) => {
        if (ws.readyState !== WebSocket.OPEN) return resolve();
        ws.send(packet, () => resolve());
      }),
    waitFor: (p, ms, from) => rec.waitFor(p, ms, from),
    endsWithin: (ms) => rec.endsWithin(ms),
    until: (check, ms) => rec.until(() => check() || undefined, ms).then(Boolean),
    stopReading: () => (ws as unknown as { _socket?: { pause(): void } })._socket?.pause(),
    resumeReading: () => (ws as unknown as { _socket?: { resume(): void } })._socket?.resume(),
    async leave() {
      await session.send('41');
      if (ws.readyState === WebSocket.OPEN) ws.close(1000);
    },
    close: () => ws.terminate(),
  };
  return rec.waitFor((p) => p.startsWith('0{'), opts.timeoutMs).then((open) => {
    if (open) return session;
    ws.terminate();
    throw new Error(`no Engine.IO open packet over websocket from ${opts.url} (${rec.endedBy ?? `nothing within ${opts.timeoutMs} ms`})`);
  });
}

interface HttpAnswer {
  status: number;
  body: string;
}

function http(url: URL, method: 'GET' | 'POST', body: string | undefined, timeoutMs: number): Promise<HttpAnswer> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method, headers: body === undefined ? {} : { 'content-type': 'text/plain;charset=UTF-8', 'content-length': Buffer.byteLength(body) }, timeout: timeoutMs }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString() }));
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error(`no answer within ${timeoutMs} ms`)));
    req.on('error', reject);
    req.end(body);
  });
}

async function openPolling(opts: RawSessionOptions): Promise<RawSession> {
  const rec = new Recorder();
  const open = await http(engineUrl(opts), 'GET', undefined, opts.timeoutMs);
  if (open.status !== 200 || !open.body.startsWith('0{')) throw new Error(`the polling handshake with ${opts.url} answered ${open.status} ${open.body.slice(0, 120)}`);
  const sid = String((JSON.parse(open.body.slice(1)) as { sid?: unknown }).sid);
  const url = engineUrl(opts, sid);
  let closed = false;
  let paused = false;
  const poll = async () => {
    while (!closed && !paused && !rec.endedBy) {
      try {
        // A long poll waits up to the server's pingInterval; the server's ping is answered like any packet.
        const answer = await http(url, 'GET', undefined, 60_000);
        if (answer.status !== 200) return rec.end(`the server answered a poll with ${answer.status} ${answer.body.slice(0, 80)}`);
        for (const packet of answer.body.split('\x1e')) {
          if (packet === '2') void session.send('3');
          rec.push(packet);
        }
      } catch (err) {
        if (!closed) rec.end(`a poll failed (${(err as Error).message})`);
      }
    }
  };
  const session: RawSession = {
    transport: 'polling',
    received: rec.received,
    get endedBy() {
      return rec.endedBy;
    },
    async send(packet) {
      if (rec.endedBy || closed) return;
      const body = typeof packet === 'string' ? packet : `b${packet.toString('base64')}`;
      try {
        const answer = await http(url, 'POST', body, opts.timeoutMs);
        if (answer.status !== 200) rec.end(`the server answered a POST with ${answer.status} ${answer.body.slice(0, 80)}`);
      } catch (err) {
        rec.end(`a POST failed (${(err as Error).message})`);
      }
    },
    waitFor: (p, ms, from) => rec.waitFor(p, ms, from),
    endsWithin: (ms) => rec.endsWithin(ms),
    until: (check, ms) => rec.until(() => check() || undefined, ms).then(Boolean),
    stopReading: () => {
      paused = true;
    },
    resumeReading() {
      if (!paused) return;
      paused = false;
      void poll();
    },
    async leave() {
      await session.send('41');
      session.close();
    },
    close() {
      if (closed) return;
      closed = true;
      void http(url, 'POST', '1', 1000).catch(() => undefined);
    },
  };
  void poll();
  return session;
}
