import { randomBytes } from 'node:crypto';
import { MALFORMED_TOKEN } from '../../../auth/tokens.js';
import { suiteCase, type CaseDef } from '../../types.js';
import { scene } from './actions.js';
import { expectHandshakeAccepted, expectHandshakeRejected } from './handshake.js';

const auth = suiteCase('kraken-auth', ['connect']);

/** Each case's world user: a bad token must be refused for what it is, not because the user is unknown. */
export const krakenAuthCases: CaseDef[] = [
  auth('token-in-auth', 'A valid token in handshake.auth.token (no prefix) is accepted', {
    async run(ctx) {
      const { k, world } = await scene(ctx);
      const token = await ctx.env.tokens.valid(world.users.member);
      await expectHandshakeAccepted(k, world, { via: 'auth', token, what: 'a valid token in auth.token' });
    },
  }),

  auth('bearer-in-auth', 'A valid token in handshake.auth.token with the "Bearer " prefix is accepted (as the frontend sends it)', {
    async run(ctx) {
      const { k, world } = await scene(ctx);
      const token = await ctx.env.tokens.valid(world.users.member);
      await expectHandshakeAccepted(k, world, { via: 'auth', token: `Bearer ${token}`, what: 'a valid "Bearer <token>" in auth.token' });
    },
  }),

  auth('bearer-in-header', 'A valid token in "Authorization: Bearer <token>" is accepted', {
    async run(ctx) {
      const { k, world } = await scene(ctx);
      const token = await ctx.env.tokens.valid(world.users.member);
      await expectHandshakeAccepted(k, world, { via: 'header', token, what: 'a valid token in an Authorization: Bearer header' });
    },
  }),

  auth('bare-in-header', 'A valid token in the Authorization header without "Bearer " is accepted (the guard strips the prefix only when present)', {
    async run(ctx) {
      const { k, world } = await scene(ctx);
      const token = await ctx.env.tokens.valid(world.users.member);
      await expectHandshakeAccepted(k, world, { via: 'header', headerValue: token, what: 'a valid bare token in the Authorization header' });
    },
  }),

  auth('no-token', 'A handshake without any token: AUTH_FAILED and disconnected', {
    async run(ctx) {
      const { world } = await scene(ctx);
      await expectHandshakeRejected(ctx, world, { via: 'none', what: 'a handshake without a token' });
    },
  }),

  auth('wrong-signature', 'A token signed with another key: AUTH_FAILED and disconnected', {
    async run(ctx) {
      const { world } = await scene(ctx);
      const token = await ctx.env.tokens.wrongSignature(world.users.member);
      await expectHandshakeRejected(ctx, world, { via: 'auth', token, what: 'a token with a wrong signature' });
    },
  }),

  auth('wrong-signature-bearer-header', 'A wrongly signed token in "Authorization: Bearer": AUTH_FAILED and disconnected', {
    async run(ctx) {
      const { world } = await scene(ctx);
      const token = await ctx.env.tokens.wrongSignature(world.users.member);
      await expectHandshakeRejected(ctx, world, { via: 'header', token, what: 'a wrongly signed token in the Authorization header' });
    },
  }),

  auth('alg-none', 'An unsigned token (alg: none): AUTH_FAILED and disconnected', {
    async run(ctx) {
      const { world } = await scene(ctx);
      const token = await ctx.env.tokens.algNone(world.users.member);
      await expectHandshakeRejected(ctx, world, { via: 'auth', token, what: 'an unsigned token (alg: none)' });
    },
  }),

  auth('malformed-token', 'A token that is not a JWT: AUTH_FAILED and disconnected', {
    async run(ctx) {
      const { world } = await scene(ctx);
      await expectHandshakeRejected(ctx, world, { via: 'auth', token: `Bearer ${MALFORMED_TOKEN}`, what: 'a malformed token' });
    },
  }),

  auth('expired-token', 'An expired but correctly signed token: AUTH_FAILED and disconnected', {
    needs: ['expiredTokens'],
    async run(ctx) {
      const { world } = await scene(ctx);
      const token = await ctx.env.tokens.expired!(world.users.member);
      await expectHandshakeRejected(ctx, world, { via: 'auth', token, what: 'an expired token' });
    },
  }),

  auth('unknown-user', 'A correctly signed token for a user that does not exist: AUTH_FAILED ("User not found") and disconnected', {
    async run(ctx) {
      const { world } = await scene(ctx);
      if (ctx.env.tokens.fixedUsers) ctx.skip('skipped: a token for a user that does not exist needs a token source that takes any user id (auth.mint or auth.command)');
      const ghost = `gatecheck-ghost-${randomBytes(6).toString('hex')}`;
      const token = await ctx.env.tokens.valid(ghost);
      await expectHandshakeRejected(ctx, world, { via: 'auth', token, what: 'a valid token for an unknown user' });
    },
  }),
];
