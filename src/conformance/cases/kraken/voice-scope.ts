import { describeOutcome } from '../../../client/outcome.js';
import * as s from '../../../protocol/kraken/schemas.js';
import { suiteCase, type CaseDef } from '../../types.js';
import { actExpecting, connectRole, deviation, joinAll, scene } from './actions.js';
import { expectVoiceEvent, freshVoice, voiceJoin } from './voice-actions.js';

const voice = suiteCase('kraken-voice');

/** How long a refresh by a non-participant may take to answer (the documents give it no ack; silence is fine). */
const REFRESH_ANSWER_MS = 300;

/** Who hears voice events, and what a refresh by someone outside the voice channel may do (docs/open-points.md, Kraken). */
export const krakenVoiceScopeCases: CaseDef[] = [
  voice('participants-only', "Voice events reach the voice channel's participants, not a channel member who is not in voice (voiceChannelUserUpdated there is non-strict)", {
    async run(ctx) {
      const { k, world } = await scene(ctx);
      const channel = world.channels.voice;
      const [owner, member, bystander] = await Promise.all([
        connectRole(k, world, 'owner'),
        connectRole(k, world, 'member', ctx.otherInstance),
        connectRole(k, world, 'reader', ctx.otherInstance),
      ]);
      // The bystander ran joinAll, so it is in the voice channel's channel room, but it never joins voice.
      await Promise.all([joinAll(ctx, owner, world, 'owner'), joinAll(ctx, member, world, 'member'), joinAll(ctx, bystander, world, 'reader')]);
      await voiceJoin(ctx, member, channel, world.users.member);
      const heard = freshVoice(bystander, channel, world.users.owner);

      await voiceJoin(ctx, owner, channel, world.users.owner, [owner, member]);
      await expectVoiceEvent(ctx, [member], 'voiceChannelUserJoined', channel, world.users.owner, s.voiceUserJoined);
      await actExpecting(ctx, owner, 'voice_state_update', { channelId: channel, isMuted: true }, 'voice_state_update {isMuted: true}', () =>
        expectVoiceEvent(ctx, [member], 'voiceChannelUserUpdated', channel, world.users.owner, s.voiceUserUpdated),
      );
      await actExpecting(ctx, owner, 'voice_channel_leave', { channelId: channel }, 'voice_channel_leave', () =>
        expectVoiceEvent(ctx, [member], 'voiceChannelUserLeft', channel, world.users.owner, s.voiceUserLeft),
      );

      await ctx.barrier([bystander]);
      ctx.assertNone([bystander], 'voiceChannelUserJoined', 'voiceChannelUserJoined reached a channel member who is not in the voice channel (scope: the voice channel room)', heard);
      ctx.assertNone([bystander], 'voiceChannelUserLeft', 'voiceChannelUserLeft reached a channel member who is not in the voice channel (scope: the voice channel room)', heard);
      if (bystander.received('voiceChannelUserUpdated', heard).length > 0) {
        deviation(ctx, 'voiceChannelUserUpdated reached a channel member who is not in voice: module.md pattern 3 also sends it to the channel room "for non-voice users"; events.md scopes it to the voice channel room');
      }
    },
  }),

  voice('refresh-not-a-join', 'voice_presence_refresh by a user who is not in the voice channel joins nothing: no voiceChannelUserJoined, and its later voice_channel_join is announced', {
    async run(ctx) {
      const { k, world } = await scene(ctx);
      const channel = world.channels.voice;
      const [owner, member] = await Promise.all([connectRole(k, world, 'owner'), connectRole(k, world, 'member', ctx.otherInstance)]);
      await Promise.all([joinAll(ctx, owner, world, 'owner'), joinAll(ctx, member, world, 'member')]);
      await voiceJoin(ctx, owner, channel, world.users.owner);

      const announced = [owner, member].map((p) => freshVoice(p, channel, world.users.member));
      // The documents give the refresh no ack and no error for this: an error, silence or an ack all pass; what it did is judged below.
      const outcome = await member.act('voice_presence_refresh', { channelId: channel }, REFRESH_ANSWER_MS);
      ctx.note(`voice_presence_refresh by the member, who is not in voice, was answered: ${describeOutcome(outcome)}`);
      await ctx.barrier([owner, member]);
      ctx.assertNone([owner], 'voiceChannelUserJoined', 'voice_presence_refresh by a non-participant was announced as a join', announced[0]);
      ctx.assertNone([member], 'voiceChannelUserJoined', 'voice_presence_refresh by a non-participant was announced as a join', announced[1]);

      // Had the refresh silently made the member a participant, its real join would not be a new one.
      const joined = freshVoice(owner, channel, world.users.member);
      await voiceJoin(ctx, member, channel, world.users.member, [owner, member]);
      await ctx.waitFor(owner, 'voiceChannelUserJoined', 'voiceChannelUserJoined for the member\'s join after its refresh (the refresh must not have made it a participant)', joined);
    },
  }),
];
