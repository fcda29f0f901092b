import { z } from 'zod';
import { PROTOCOL_NAMES } from '../protocol/names.js';

/** A secret: a literal string, or `{ env: NAME }` to read it from the environment at load time. */
export const secretSchema = z.union([z.string().min(1), z.strictObject({ env: z.string().min(1) })]);

const restCall = z.strictObject({
  method: z.enum(['GET', 'POST', 'PUT', 'PATCH', 'DELETE']),
  /** Path template, e.g. /api/conversations/{{conversationId}}/participants */
  path: z.string().startsWith('/'),
  /** Body template; a string that is exactly "{{name}}" is replaced by the raw value (arrays stay arrays). */
  body: z.unknown().optional(),
  /** Dotted path of the new entity's id in the JSON answer, e.g. "id" or "data._id". */
  idPath: z.string().optional(),
});

const id = z.string().min(1);
/** src/protocol/kraken/world.ts as a schema: a pre-provisioned world in the config. */
export const krakenWorld = z.strictObject({
  communityId: id,
  users: z.strictObject({ owner: id, member: id, reader: id, outsider: id }),
  channels: z.strictObject({ general: id, secret: id, voice: id }),
  dmGroups: z.strictObject({ ownerMember: id, ownerReader: id }),
  aliasGroups: z.strictObject({ team: id }),
});

const krakenSection = z.strictObject({
  /** Where each case's world comes from: a REST call that provisions a fresh one, or a fixed one. */
  world: z.union([
    z.strictObject({ provision: restCall.extend({ /** Dotted path of the world in the answer; default: the whole body. */ resultPath: z.string().optional() }) }),
    z.strictObject({ fixed: krakenWorld }),
  ]),
  /** REST calls that trigger server events with no client event (edit, delete, mention...), by name. */
  rest: z.record(z.string(), restCall).default({}),
  /** The presence TTL the server declares; enables the TTL expiry case. */
  presenceTtlMs: z.number().int().positive().optional(),
  /** The voice presence TTL the server declares; enables the voice TTL case. */
  voiceTtlMs: z.number().int().positive().optional(),
  /** The longest declared TTL the expiry cases wait out (default 5000); `conform --ttl-wait` lifts the bound. */
  maxTtlWaitMs: z.number().int().positive().optional(),
});

/** How hard the robustness suite hits, and what it calls unharmed. */
const robustnessLimits = z
  .strictObject({
    /** Multiplies every volume (flood events, slow-reader payloads, nesting depth): 0.1 sends a tenth. */
    scale: z.number().positive().max(1).default(1),
    /** Canary round trips slower than this (p95 during the attack) make a case non-strict. */
    canaryLatencyMs: z.number().int().positive().default(5000),
    /** The server's declared cap on one packet (socket.io's maxHttpBufferSize, 1 MB by default). */
    maxPayloadBytes: z.number().int().positive().default(1_000_000),
    /** The most the target's RSS may grow under the slow-reader attack. */
    rssGrowthMb: z.number().positive().default(25),
    /** The longest the target may hold a connection that went silent (pingInterval + pingTimeout, as its handshake announces them); the half-open case waits that long. */
    maxHalfOpenMs: z.number().int().positive().default(90_000),
  })
  .prefault({});

export const targetConfigSchema = z.strictObject({
  dialect: z.enum(PROTOCOL_NAMES).default('chat-service'),
  instances: z
    .array(
      z.strictObject({
        url: z.url({ protocol: /^(https?|wss?)$/ }),
        name: z.string().optional(),
        /** The instance's process id on this machine: the robustness suite samples its RSS from /proc. */
        pid: z.number().int().positive().optional(),
        /** A Prometheus text endpoint with process_resident_memory_bytes: the robustness suite's RSS source when no pid is given. */
        metricsUrl: z.url({ protocol: /^https?$/ }).optional(),
      }),
    )
    .min(1, 'at least one instance URL is needed'),
  socketPath: z.string().startsWith('/').default('/socket.io'),
  transports: z.array(z.enum(['websocket', 'polling'])).min(1).default(['websocket']),
  auth: z.strictObject({
    mint: z
      .strictObject({
        algorithm: z.enum(['HS256', 'HS384', 'HS512']).default('HS256'),
        secret: secretSchema,
        userIdClaim: z.string().default('sub'),
        claims: z.record(z.string(), z.unknown()).default({}),
        expiresInSeconds: z.number().int().positive().default(3600),
      })
      .optional(),
    /** A shell command printing a token for a user; {{userId}} is replaced. */
    command: z.string().min(1).optional(),
    /** Pre-issued tokens: a fixed pool of users. */
    static: z.array(z.strictObject({ userId: z.string().min(1), token: secretSchema })).min(1).optional(),
  }).refine((a) => [a.mint, a.command, a.static].filter(Boolean).length === 1, {
    message: 'give exactly one of auth.mint, auth.command, auth.static',
  }),
  rest: z
    .strictObject({
      baseUrl: z.url().optional(),
      headers: z.record(z.string(), secretSchema).default({}),
      /** Must say where the new conversation's id is (idPath): every case that creates one needs it. */
      createConversation: restCall.extend({ idPath: z.string().min(1) }).optional(),
      addParticipant: restCall.optional(),
      removeParticipant: restCall.optional(),
      leaveConversation: restCall.optional(),
      sendMessage: restCall.optional(),
    })
    .optional(),
  capabilities: z
    .strictObject({
      rateLimit: z
        .strictObject({ event: z.string().default('message:send'), max: z.number().int().positive(), windowMs: z.number().int().positive() })
        .optional(),
      redis: z
        .strictObject({
          url: secretSchema,
          keys: z
            .strictObject({
              connections: z.string().default('ws:connections:{userId}'),
              socket: z.string().default('ws:socket:{socketId}'),
              online: z.string().default('ws:online'),
            })
            .prefault({}),
        })
        .optional(),
    })
    .prefault({}),
  /** Kraken dialect only: worlds, REST triggers, declared TTLs. */
  kraken: krakenSection.optional(),
  /** `gatecheck load`: pass conditions per scenario, e.g. { fanout: ["p99(fanout.latency_ms) < 250"] }. */
  load: z
    .strictObject({ thresholds: z.record(z.string(), z.array(z.string().min(1))).default({}) })
    .optional(),
  /** How this server differs from its document: a shipped profile's name, a profile file, or one inline (src/profiles/schema.ts). */
  profile: z.union([z.string().min(1), z.record(z.string(), z.unknown())]).optional(),
  /** Documented event name -> the name this server uses. */
  events: z.record(z.string(), z.string().min(1)).default({}),
  timeouts: z
    .strictObject({
      connectMs: z.number().int().positive().default(5000),
      actionMs: z.number().int().positive().default(3000),
      caseMs: z.number().int().positive().default(20000),
      runMs: z.number().int().positive().default(180000),
      graceMs: z.number().int().nonnegative().default(60),
      crossInstanceGraceMs: z.number().int().nonnegative().default(150),
    })
    .prefault({}),
  limits: z
    .strictObject({
      concurrency: z.number().int().positive().default(8),
      /** Server-side connection limit to stay under (0 = none declared). */
      connectsPerSecond: z.number().nonnegative().default(0),
      /** The robustness suite's volumes and bounds (README "Robustness suite"). */
      robustness: robustnessLimits,
    })
    .prefault({}),
}).refine((c) => c.dialect !== 'kraken' || c.kraken !== undefined, {
  message: 'dialect kraken needs a kraken section (kraken.world: provision or fixed)',
  path: ['kraken'],
});

export type KrakenWorldConfig = z.output<typeof krakenWorld>;
export type KrakenSection = z.output<typeof krakenSection>;

export type TargetConfigInput = z.input<typeof targetConfigSchema>;
export type TargetConfig = z.output<typeof targetConfigSchema>;
export type Secret = z.output<typeof secretSchema>;
export type RestCall = z.output<typeof restCall>;
export type RestCallName = 'createConversation' | 'addParticipant' | 'removeParticipant' | 'leaveConversation' | 'sendMessage';
