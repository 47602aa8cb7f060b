/** The work only the leader does: upstreams, the publisher they feed, and symbol demand. */
export { LeaderRole, type LeaderRoleOptions } from './leader-role';
