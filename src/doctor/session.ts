import { awaitAcceptance, type Acceptance } from '../client/acceptance.js';
import { Probe } from '../client/probe.js';
import type { Refusal } from '../client/refusal.js';
import { Timeline } from '../client/timeline.js';
import type { TargetConfig } from '../config/schema.js';
import { createTokenSource, type TokenSource } from '../auth/tokens.js';
import { ConnectPacer } from '../auth/users.js';
import { errorMessage } from '../errors.js';
import type { Dialect } from '../protocol/types.js';
import { RestClient } from '../rest/client.js';

/** A connection the server accepted, kept open for the checks that need a live socket (Redis keys, events). */
export interface LiveSocket {
  userId: string;
  instance: number;
  probe: Probe;
}

export type Attempt = { ok: true; socket: LiveSocket; ms: number } | { ok: false; refusal?: Refusal; problem: string };

/**
 * What the doctor's checks share: the config, one token source, paced connections (a declared
 * limits.connectsPerSecond holds for the doctor too), the refusals seen, and every probe to close.
 */
export class DoctorSession {
  readonly timeline = new Timeline();
  readonly refusals: Refusal[] = [];
  readonly live: LiveSocket[] = [];
  readonly rest: RestClient;
  connects = 0;
  private readonly pacer: ConnectPacer;
  private readonly probes: Probe[] = [];
  private tokenSource?: TokenSource;
  private seq = 0;

  constructor(
    readonly config: TargetConfig,
    readonly dialect: Dialect,
  ) {
    this.pacer = new ConnectPacer(config.limits.connectsPerSecond);
    this.rest = new RestClient(config, config.timeouts.actionMs);
  }

  /** Throws the loader's ConfigError (naming the variable) when a secret's environment variable is unset. */
  get tokens(): TokenSource {
    this.tokenSource ??= createTokenSource(this.config);
    return this.tokenSource;
  }

  /** A user id no one else has: for minted or commanded tokens. */
  freshUser(): string {
    return `gcdoctor${process.pid.toString(36)}${(++this.seq).toString(36)}${Date.now().toString(36).slice(-4)}`;
  }

  /** Connects as the user with a valid token and waits for the server's verdict (see awaitAcceptance). */
  async connect(userId: string, instance: number): Promise<Attempt> {
    const { config, dialect } = this;
    let token: string;
    try {
      token = await this.tokens.valid(userId);
    } catch (err) {
      return { ok: false, problem: `no token for ${userId}: ${errorMessage(err)}` };
    }
    await this.pacer.wait();
    const probe = new Probe({
      url: config.instances[instance].url,
      path: config.socketPath,
      transports: config.transports,
      label: `${userId}@${instance}`,
      via: 'auth',
      token,
      connectTimeoutMs: config.timeouts.connectMs,
      dialect,
      timeline: this.timeline,
    });
    this.probes.push(probe);
    this.connects++;
    let verdict: Acceptance;
    try {
      verdict = await awaitAcceptance(probe, await probe.connect(), dialect, { readyMs: config.timeouts.connectMs, settleMs: 4 * config.timeouts.graceMs + 100 });
    } catch (err) {
      return { ok: false, problem: errorMessage(err) };
    }
    if (!verdict.accepted) {
      this.refusals.push(verdict.refusal);
      probe.close();
      return { ok: false, refusal: verdict.refusal, problem: '' };
    }
    const socket = { userId, instance, probe };
    this.live.push(socket);
    return { ok: true, socket, ms: verdict.ms };
  }

  close(): void {
    for (const p of this.probes) p.close();
  }
}
