import { z } from 'zod';
import { PROTOCOL_NAMES } from '../protocol/names.js';

const path = z.string().min(1);
/** Why the server differs, in the profile author's words; the finding quotes it. */
const why = z.string().min(1).optional();
const when = z.strictObject({ path, equals: z.unknown().optional(), matches: z.string().optional(), isArray: z.boolean().optional() });

/** One declarative payload rule. Exactly one action key per rule. */
export const ruleSchema = z.union([
  z.strictObject({ values: z.strictObject({ path, map: z.record(z.string(), z.unknown()) }), why }),
  z.strictObject({ drop: path, why }),
  z.strictObject({ rename: z.strictObject({ from: path, to: z.string().min(1) }), why }),
  z.strictObject({ pluck: z.strictObject({ path, field: z.string().min(1) }), why }),
  z.strictObject({ set: z.strictObject({ path, value: z.unknown() }), when: when.optional(), why }),
  z.strictObject({ copy: z.strictObject({ from: path, to: path }), when: when.optional(), why }),
]);

const restTrigger = z.strictObject({
  method: z.enum(['GET', 'POST', 'PUT', 'PATCH', 'DELETE']),
  /** Path template over the event's payload fields, e.g. /api/channels/{{channelId}}/voice-presence/join */
  path: z.string().startsWith('/'),
  body: z.unknown().optional(),
  why,
});

export const profileSchema = z.strictObject({
  name: z.string().min(1),
  dialect: z.enum(PROTOCOL_NAMES),
  /** Where the profile's facts come from (a tag, a file of the server's source). */
  source: z.string().optional(),
  description: z.string().optional(),
  /** Documented event name -> this server's name (the config's own `events` win over these). */
  events: z.record(z.string(), z.string().min(1)).default({}),
  /** Rules for what gatecheck sends, per documented client event. */
  outbound: z.record(z.string(), z.array(ruleSchema)).default({}),
  /** Rules for what the server sends, per documented server event, applied before the schema check. */
  inbound: z.record(z.string(), z.array(ruleSchema)).default({}),
  /** Client events this server takes over REST instead of the socket (with the connection's token). */
  rest: z.record(z.string(), restTrigger).default({}),
  /** What a real client of this server sends right after an event, e.g. presenceOnline after joinAll. */
  after: z.record(z.string(), z.array(z.strictObject({ emit: z.string().min(1), payload: z.unknown().optional(), why }))).default({}),
  /** The escape hatch: a JS module (path relative to the profile) exporting outbound(event, payload) / inbound(event, payload). */
  module: z.string().min(1).optional(),
});

export type ProfileRule = z.output<typeof ruleSchema>;
export type ProfileData = z.output<typeof profileSchema>;
export type RestTrigger = z.output<typeof restTrigger>;
