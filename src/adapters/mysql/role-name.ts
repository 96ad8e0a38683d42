import { createHash } from 'node:crypto';
import type { Tier } from '../../domain/types.js';

const PREFIX = 'drawbridge_';
/** MySQL 8 limits role names (they are accounts) to 32 characters, like user names. */
const MAX = 32;

/**
 * The role holding the grants of one target × tier: `drawbridge_<target>_<tier>`, lower-case `[a-z0-9_]`.
 * A target name that had to be changed (other characters, upper case) or shortened gets a hash of the
 * original, so two targets on one server never share a role by accident.
 */
export function roleNameFor(target: string, tier: Tier): string {
  const suffix = `_${tier.toLowerCase()}`;
  const room = MAX - PREFIX.length - suffix.length;
  const cleaned = target.toLowerCase().replace(/[^a-z0-9_]/g, '_');
  if (cleaned === target && cleaned.length > 0 && cleaned.length <= room)
    return `${PREFIX}${cleaned}${suffix}`;
  const hash = createHash('sha256').update(target).digest('hex').slice(0, 6);
  return `${PREFIX}${cleaned.slice(0, room - hash.length - 1)}_${hash}${suffix}`;
}
