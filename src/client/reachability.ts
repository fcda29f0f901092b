import { randomBytes } from 'node:crypto';
import http from 'node:http';
import https from 'node:https';
import { TargetError } from '../errors.js';

/** What a probe keeps of an answer: enough to judge a handshake and to quote the start of anything else. */
const MAX_BODY = 16 * 1024;
/** Engine.IO error codes (engine.io Server.errors). */
const TRANSPORT_UNKNOWN = 0;
const UNSUPPORTED_PROTOCOL_VERSION = 5;

interface Answer {
  status: number;
  type: string;
  body: string;
}

class NoAnswer extends Error {}

/**
 * Performs the Engine.IO v4 handshake (`GET {path}/?EIO=4&transport=polling`) and checks that what
 * answered is a Socket.IO 3/4 server. node:http rather than fetch(): fetch refuses the ports browsers
 * block (6000, 6666...), where real servers live.
 */
export async function assertReachable(url: string, path: string, timeoutMs = 3500): Promise<void> {
  const probe = probeUrl(url, path, 'polling');
  const answer = await ask(url, probe, timeoutMs);
  // A websocket-only server refuses polling with "Transport unknown": the upgrade is the handshake then.
  if (engineIoError(answer.status, answer.body) === TRANSPORT_UNKNOWN) {
    const upgrade = await ask(url, probeUrl(url, path, 'websocket'), timeoutMs, websocketUpgrade());
    if (upgrade.status === 101) return;
  }
  const problem = handshakeProblem(answer, `GET ${probe.pathname}${probe.search}`, path);
  if (problem) throw new TargetError(`target ${url} ${problem}`);
}

/**
 * Mid-run, whether a target that passed assertReachable went down: any HTTP answer means it is still
 * there (a case's own failure stands); only a refusal, a cut or silence means it is gone.
 */
export async function assertAnswering(url: string, path: string, timeoutMs: number): Promise<void> {
  await ask(url, probeUrl(url, path, 'polling'), timeoutMs);
}

async function ask(url: string, probe: URL, timeoutMs: number, headers?: Record<string, string>): Promise<Answer> {
  try {
    return await get(probe, timeoutMs, headers);
  } catch (err) {
    throw new TargetError(`target ${url} ${describeFailure(err, timeoutMs)}`);
  }
}

/** The Socket.IO path is on the origin: the client reads a path in the URL as a namespace. */
function probeUrl(url: string, path: string, transport: 'polling' | 'websocket'): URL {
  const probe = new URL(`${path.replace(/\/$/, '')}/?EIO=4&transport=${transport}`, url);
  probe.protocol = probe.protocol.replace(/^ws/, 'http');
  return probe;
}

function websocketUpgrade(): Record<string, string> {
  return { connection: 'Upgrade', upgrade: 'websocket', 'sec-websocket-version': '13', 'sec-websocket-key': randomBytes(16).toString('base64') };
}

/**
 * One GET under one deadline for the whole exchange (a socket timeout would restart with every byte).
 * A body still coming at the deadline is judged on what arrived.
 */
function get(url: URL, timeoutMs: number, headers: Record<string, string> = {}): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = (url.protocol === 'https:' ? https : http).get(url, { headers, agent: false });
    let response: http.IncomingMessage | undefined;
    const timer = setTimeout(() => {
      if (response) return response.destroy();
      reject(new NoAnswer());
      req.destroy();
    }, timeoutMs);
    const settle = (answer: Answer) => {
      clearTimeout(timer);
      resolve(answer);
    };
    req.on('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    req.on('upgrade', (res, socket) => {
      socket.destroy();
      settle({ status: res.statusCode ?? 101, type: '', body: '' });
    });
    req.on('response', (res) => {
      response = res;
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        body += chunk;
        if (body.length > MAX_BODY) res.destroy();
      });
      res.on('error', () => {}); // cut short: judged on what arrived
      res.on('close', () => settle({ status: res.statusCode ?? 0, type: res.headers['content-type'] ?? '', body }));
    });
  });
}

function describeFailure(err: unknown, timeoutMs: number): string {
  if (err instanceof NoAnswer) return `is unreachable: no answer within ${timeoutMs} ms`;
  const { code, message } = err as NodeJS.ErrnoException;
  if (code?.startsWith('HPE_')) return 'is not an HTTP/Socket.IO server (it answered bytes that are not HTTP)';
  if (code === 'ECONNRESET') return 'is unreachable: the server closed the connection without an answer (ECONNRESET)';
  return `is unreachable: ${code ?? message}`;
}

/** Why the answer is not a Socket.IO 3/4 handshake, or undefined when it is one. */
function handshakeProblem({ status, type, body }: Answer, request: string, path: string): string | undefined {
  if (status === 200 && isOpenPacket(body)) return undefined;
  const refusal = engineIoError(status, body);
  if (/^\d+:0\{/.test(body) || refusal === UNSUPPORTED_PROTOCOL_VERSION) {
    return `speaks Engine.IO v3 (Socket.IO 2): gatecheck needs a Socket.IO 3 or 4 server (${request} answered HTTP ${status}: ${quote(body)})`;
  }
  // Engine.IO refusing a handshake without credentials (allowRequest: Forbidden...) is still a Socket.IO server.
  if (refusal !== undefined && refusal !== TRANSPORT_UNKNOWN) return undefined;
  if (status === 200) return `is not a Socket.IO server: ${request} answered HTTP 200 but not an Engine.IO handshake: ${quote(body)}`;
  const hint = status === 404 || refusal !== undefined ? ` (if a Socket.IO server is there, is socketPath "${path}" in the config right?)` : '';
  return `is not a Socket.IO server: ${request} answered HTTP ${status}${type ? ` (${type})` : ''}: ${quote(body)}${hint}`;
}

/** An Engine.IO v4 open packet: `0` then JSON with sid, upgrades, pingInterval and pingTimeout. */
function isOpenPacket(body: string): boolean {
  if (!body.startsWith('0')) return false;
  const open = parseJson(body.slice(1).split('\x1e')[0]);
  return typeof open?.sid === 'string' && Array.isArray(open.upgrades) && typeof open.pingInterval === 'number' && typeof open.pingTimeout === 'number';
}

/** The code of an Engine.IO refusal: 400 or 403 with {"code":0..5,"message":...}, e.g. {"code":0,"message":"Transport unknown"}. */
function engineIoError(status: number, body: string): number | undefined {
  const json = parseJson(body);
  const code = json?.code;
  const isRefusal = (status === 400 || status === 403) && typeof json?.message === 'string' && Number.isInteger(code) && (code as number) >= 0 && (code as number) <= 5;
  return isRefusal ? (code as number) : undefined;
}

function parseJson(text: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(text);
    return value !== null && typeof value === 'object' ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/** The start of a body, on one line. */
function quote(body: string): string {
  const line = body.replace(/[\s\x00-\x1f\x7f]+/g, ' ').trim();
  if (!line) return '(an empty body)';
  return `"${line.length > 80 ? `${line.slice(0, 80)}…` : line}"`;
}
