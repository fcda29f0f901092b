/**
 * The entities one Kraken case works in: a community with channels, DM groups and an alias group, and
 * four users with different rights. The reference gateway provisions a fresh one per case
 * (POST /api/test/worlds); an external server either provisions one through the REST call the target
 * config names, or the config gives a fixed, pre-provisioned one (cases then run one at a time).
 */
export interface KrakenWorld {
  communityId: string;
  users: {
    /** Community owner: every RbacAction. */
    owner: string;
    /** Member role: READ_COMMUNITY, CREATE_MESSAGE, JOIN_CHANNEL, ...; in `secret`, `ownerMember` and `team`. */
    member: string;
    /** Reader role: READ_COMMUNITY only (no CREATE_MESSAGE, no JOIN_CHANNEL): the RBAC-denial subject. */
    reader: string;
    /** Not a member of the community: no action at all. */
    outsider: string;
  };
  channels: {
    /** Public text channel. */
    general: string;
    /** Private text channel; owner and member have memberships, reader and outsider do not. */
    secret: string;
    /** Public voice channel. */
    voice: string;
  };
  dmGroups: {
    /** DM group of owner and member. */
    ownerMember: string;
    /** DM group of owner and reader (member is NOT in it). */
    ownerReader: string;
  };
  aliasGroups: {
    /** Alias group of owner and member. */
    team: string;
  };
}
