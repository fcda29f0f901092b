/** What `gatecheck init` writes: every setting, commented, for a server that is not the reference one. */
export const TARGET_TEMPLATE = `# gatecheck target config: what gatecheck needs to know to test your gateway.
# Validate it with: gatecheck conform --target THIS_FILE --filter seed.01
dialect: chat-service

# Every instance of the gateway. Two or more (sharing a Redis adapter) enable the multi-instance cases.
instances:
  - url: http://127.0.0.1:4001
    # pid: 4242                        # robustness suite: its RSS from /proc (or metricsUrl: a Prometheus endpoint)
  # - url: http://127.0.0.1:4002
socketPath: /socket.io          # Socket.IO's path option
transports: [websocket]         # or [polling, websocket]

# How gatecheck gets a token for a user id. Exactly one of mint / command / static.
auth:
  mint:                         # sign HS256 tokens yourself (enables the expired-token case)
    algorithm: HS256
    secret: { env: GATECHECK_JWT_SECRET }   # never write the secret itself here
    userIdClaim: sub            # or externalUserId
    claims: {}                  # extra claims your server requires (iss, aud, roles...)
    expiresInSeconds: 3600
  # command: ./scripts/token-for.sh {{userId}}   # prints a token on stdout
  # static:                                     # a fixed pool of users (cases then share them)
  #   - { userId: alice, token: { env: ALICE_TOKEN } }
  #   - { userId: bob, token: { env: BOB_TOKEN } }

# The REST calls that set up conversations (Phases 2 and 3 of the guide). Placeholders: {{actorId}},
# {{participantIds}} (a list), {{type}}, {{name}}, {{conversationId}}, {{userId}}, {{content}}.
# Requests carry "Authorization: Bearer <token of the acting user>". Leave a call out and the cases
# that need it are skipped with a reason.
rest:
  # baseUrl: http://127.0.0.1:3000     # default: the first instance's URL
  headers: {}                           # extra headers, e.g. { x-api-key: { env: API_KEY } }
  createConversation:
    method: POST
    path: /api/conversations
    body: { participantIds: "{{participantIds}}", type: "{{type}}", name: "{{name}}" }
    idPath: id                          # where the new id is in the JSON answer (e.g. data._id)
  addParticipant:
    method: POST
    path: /api/conversations/{{conversationId}}/participants
    body: { userId: "{{userId}}" }
  removeParticipant:
    method: DELETE
    path: /api/conversations/{{conversationId}}/participants/{{userId}}
  leaveConversation:
    method: POST
    path: /api/conversations/{{conversationId}}/leave
  sendMessage:
    method: POST
    path: /api/conversations/{{conversationId}}/messages
    body: { content: "{{content}}" }
    idPath: id

# What your server declares; undeclared means the cases that need it are skipped.
capabilities:
  rateLimit: { event: message:send, max: 10, windowMs: 1000 }
  # redis:                                  # lets Test 7 check "Redis shows two socket IDs"
  #   url: { env: GATECHECK_TARGET_REDIS_URL }
  #   keys: { connections: "ws:connections:{userId}", socket: "ws:socket:{socketId}", online: ws:online }

# Documented event name -> the name your server uses (only the ones that differ).
events: {}
  # message:send: chat:send

timeouts: { connectMs: 5000, actionMs: 3000, caseMs: 20000, runMs: 180000, graceMs: 60, crossInstanceGraceMs: 150 }

# Your server's own limits, so gatecheck stays under them instead of reporting your limiter as a failure.
limits:
  concurrency: 8
  connectsPerSecond: 0   # 0 = no connection-rate limit declared
  # The robustness suite (--filter robustness; it attacks the target, never run it against production):
  # robustness: { scale: 1, canaryLatencyMs: 5000, maxPayloadBytes: 1000000, rssGrowthMb: 25, maxHalfOpenMs: 90000 }
`;

/** What `gatecheck init --dialect kraken` writes. */
export const KRAKEN_TARGET_TEMPLATE = `# gatecheck target config for a Kraken-style gateway (shared/spec/kraken-websocket-*.md).
dialect: kraken

instances:
  - url: http://127.0.0.1:3000
  # - url: http://127.0.0.1:3001           # a second instance behind the same Redis adapter
socketPath: /socket.io
transports: [websocket]

auth:
  mint:                                     # or command: / static: as for chat-service
    algorithm: HS256
    secret: { env: KRAKEN_JWT_SECRET }
    userIdClaim: sub

kraken:
  # Every case works in a "world": a community with channels general (public), secret (private; owner
  # and member have memberships) and voice, DM groups ownerMember and ownerReader, alias group team,
  # and users owner (every RbacAction), member (READ_COMMUNITY, CREATE_MESSAGE, JOIN_CHANNEL...),
  # reader (READ_COMMUNITY only) and outsider (not in the community).
  #
  # Either a REST call that provisions a fresh world per case (cases then run concurrently):
  world:
    provision:
      method: POST
      path: /api/test/worlds
      # body: {}
      # resultPath: data                    # where the world is in the answer (default: the whole body)
  # ...or a pre-provisioned one (cases then run one at a time, sharing it):
  # world:
  #   fixed:
  #     communityId: c1
  #     users: { owner: u-owner, member: u-member, reader: u-reader, outsider: u-outsider }
  #     channels: { general: ch-general, secret: ch-secret, voice: ch-voice }
  #     dmGroups: { ownerMember: dm-1, ownerReader: dm-2 }
  #     aliasGroups: { team: ag-1 }
  #   (with auth.static, give a token per user id: static: [{ userId: u-owner, token: { env: OWNER_TOKEN } }, ...])

  # REST calls that trigger server events without a client event, made with the acting user's token.
  # Placeholders: {{actorId}} always; editMessage {{messageId}} {{spans}} {{text}}; deleteMessage
  # {{messageId}}; notify {{userId}} {{type}} {{data}}; removeChannelMember {{channelId}} {{userId}} (the
  # robustness suite's removed-member). Undeclared ones skip the cases that need them.
  rest: {}
  #   editMessage: { method: PATCH, path: "/api/messages/{{messageId}}", body: { spans: "{{spans}}" } }
  #   deleteMessage: { method: DELETE, path: "/api/messages/{{messageId}}" }
  #   notify: { method: POST, path: /api/test/notifications, body: { userId: "{{userId}}", type: "{{type}}", data: "{{data}}" } }
  #   removeChannelMember: { method: DELETE, path: "/api/channel-membership/channel/{{channelId}}/user/{{userId}}" }
  # Declare your TTLs to enable the expiry cases; a TTL over maxTtlWaitMs (default 5000) skips them: start the
  # server with shorter ones, raise maxTtlWaitMs, or pass conform --ttl-wait (the run says how long it waits).
  presenceTtlMs: 60000
  voiceTtlMs: 60000
  # maxTtlWaitMs: 60000

# Event names drift between releases: map the documented name to yours.
events: {}
  # joinAll: subscribeAll
  # error: exception

timeouts: { connectMs: 5000, actionMs: 3000, caseMs: 20000, runMs: 180000, graceMs: 60, crossInstanceGraceMs: 150 }
limits: { concurrency: 8, connectsPerSecond: 0 }
`;
