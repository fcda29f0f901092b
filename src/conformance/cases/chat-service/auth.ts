import { MALFORMED_TOKEN } from '../../../auth/tokens.js';
import { suiteCase, type CaseDef } from '../../types.js';
import { expectHandshakeAccepted, expectHandshakeRejected } from './handshake.js';

const auth = suiteCase('auth', ['connect']);

export const authCases: CaseDef[] = [
  auth('expired-token', 'An expired but correctly signed token is refused and the socket disconnected', {
    needs: ['expiredTokens'],
    async run(ctx) {
      const [a] = await ctx.users(1);
      const token = await ctx.env.tokens.expired!(a.id);
      await expectHandshakeRejected(ctx, { via: 'auth', token, what: 'an expired token' });
    },
  }),

  auth('wrong-signature', 'A token signed with another key is refused and the socket disconnected', {
    async run(ctx) {
      const [a] = await ctx.users(1);
      const token = await ctx.env.tokens.wrongSignature(a.id);
      await expectHandshakeRejected(ctx, { via: 'auth', token, what: 'a token with a wrong signature' });
    },
  }),

  auth('alg-none', 'An unsigned token (alg: none) is refused and the socket disconnected', {
    async run(ctx) {
      const [a] = await ctx.users(1);
      const token = await ctx.env.tokens.algNone(a.id);
      await expectHandshakeRejected(ctx, { via: 'auth', token, what: 'an unsigned token (alg: none)' });
    },
  }),

  auth('malformed-token', 'A token that is not a JWT is refused and the socket disconnected', {
    async run(ctx) {
      await expectHandshakeRejected(ctx, { via: 'auth', token: MALFORMED_TOKEN, what: 'a malformed token' });
    },
  }),

  auth('query-token', 'A valid token in the query string (handshake.query.token) is accepted (Step 4.6, priority 2)', {
    async run(ctx) {
      const [a] = await ctx.users(1);
      const token = await ctx.env.tokens.valid(a.id);
      await expectHandshakeAccepted(ctx, { via: 'query', token, what: 'a valid token in the query' }, a.id);
    },
  }),

  auth('bearer-header', 'A valid token in "Authorization: Bearer <token>" is accepted (Step 4.6, priority 3)', {
    async run(ctx) {
      const [a] = await ctx.users(1);
      const token = await ctx.env.tokens.valid(a.id);
      await expectHandshakeAccepted(ctx, { via: 'header', token, what: 'a valid token in an Authorization: Bearer header' }, a.id);
    },
  }),

  auth('header-other-scheme', 'An Authorization header with another scheme ("Basic <valid token>") is refused', {
    async run(ctx) {
      const [a] = await ctx.users(1);
      const token = await ctx.env.tokens.valid(a.id);
      await expectHandshakeRejected(ctx, { via: 'header', headerValue: `Basic ${token}`, what: 'an Authorization header with the Basic scheme' });
    },
  }),

  /**
   * Step 4.6 extracts the *Bearer* token from the header: a bare token carries none, so the handshake has
   * no token and is refused (passed). Accepting it is lenient but harmless (non-strict). A refusal that
   * leaves the socket open, or comes without UNAUTHORIZED, fails as any refusal does.
   */
  auth('header-without-scheme', 'An Authorization header carrying the bare token without "Bearer " is refused', {
    async run(ctx) {
      const [a] = await ctx.users(1);
      const token = await ctx.env.tokens.valid(a.id);
      await expectHandshakeRejected(ctx, { via: 'header', headerValue: token, what: 'an Authorization header with the bare token (no Bearer scheme)' }, 'A', {
        userId: a.id,
        why: 'Step 4.6 extracts only a Bearer token from the Authorization header',
      });
    },
  }),
];
