/** The request id: how it is made, what it looks like, and the schema every boundary checks it with. */
import * as z from 'zod';
import type { Random } from './ports.js';

/** Lower-case letters and digits without the ones people misread: i, l, o, u, 0, 1. */
const ID_ALPHABET = 'abcdefghjkmnpqrstvwxyz23456789';

/** Short, unambiguous request ids people can type: `r-` and 10 characters (≈ 49 bits). */
export function newRequestId(random: Random): string {
  const bytes = random.bytes(10);
  return `r-${Array.from(bytes, (b) => ID_ALPHABET[b % ID_ALPHABET.length]).join('')}`;
}

/** Request ids as newRequestId makes them. */
export const REQUEST_ID_PATTERN = new RegExp(`^r-[${ID_ALPHABET}]{10}$`);

/** A request id at a boundary (a button value, a worker event, a modal's metadata). */
export const requestIdSchema = z.string().regex(REQUEST_ID_PATTERN, 'not a Drawbridge request id');
