/**
 * The VU's side of the connection phase (the CLI serves the other, src/load/connect-phase.ts, at
 * GATECHECK_COORDINATOR_URL). Without that variable (a plain `artillery run`) there is no phase: the
 * VUs follow the schedule the `before` hook fixed, and one ready late catches up with messages:sync.
 */
export interface ConnectOutcome {
  slot: number;
  instance: number;
  outcome: 'connected' | 'refused' | 'timed_out';
  /** Handshake time (connected only). */
  ms?: number;
  /** The server's reason for a refusal. */
  reason?: string;
}

/** The end of the connection phase, as a VU hears it. */
export interface PhaseRelease {
  /** When sending starts (epoch ms). */
  startAt: number;
  /** Slots that were not connected when the phase ended: no delivery is owed to them. */
  absent: number[];
  /** Set when this VU connected after the phase ended: why (it takes no part in the run). */
  late?: string;
}

const coordinator = () => process.env.GATECHECK_COORDINATOR_URL;
export const hasConnectPhase = () => Boolean(coordinator());

async function post<T>(path: string, body: unknown): Promise<T> {
  const res = await fetch(`${coordinator()}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  if (!res.ok) throw new Error(`the connection phase (${path}) answered ${res.status}`);
  return (await res.json()) as T;
}

/** Resolves when this VU may start its handshake (the ramp's pacing). */
export async function admission(slot: number, instance: number): Promise<void> {
  if (hasConnectPhase()) await post('/admit', { slot, instance });
}

/** Reports the handshake; a connected VU's answer comes when the phase ends. */
export function reportOutcome(outcome: ConnectOutcome & { outcome: 'connected' }): Promise<PhaseRelease>;
export function reportOutcome(outcome: ConnectOutcome): Promise<unknown>;
export async function reportOutcome(outcome: ConnectOutcome): Promise<unknown> {
  return hasConnectPhase() ? post('/outcome', outcome) : undefined;
}
