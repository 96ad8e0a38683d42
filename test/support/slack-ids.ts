/**
 * The ids and small shapes every Slack payload in the tests shares, in Slack's formats, so code that
 * checks ids (a `U…` user, a `D…` DM) sees what it would see in production.
 */
import { randomBytes } from 'node:crypto';

export const WORKSPACE = {
  teamId: 'T0DRAWBRG',
  teamDomain: 'drawbridge-test',
  apiAppId: 'A0DRAWBRG',
  botUserId: 'U0DRAWBOT',
  botId: 'B0DRAWBOT',
  /** The deprecated verification token Slack still puts in every payload (Bolt ignores it). */
  verificationToken: 'vErIfIcAtIoNtOkEn0000000',
} as const;

let sequence = 0;
export const nextSequence = (): number => {
  sequence += 1;
  return sequence;
};

/** `1700000123.000456`-style timestamp of now: Slack's `action_ts`/`event_ts` format. */
export function slackTs(ms: number = Date.now()): string {
  const micros = BigInt(Math.floor(ms * 1000)) + BigInt(nextSequence() % 1000);
  const seconds = micros / 1_000_000n;
  return `${seconds}.${String(micros % 1_000_000n).padStart(6, '0')}`;
}

/** `<digits>.<digits>.<32 hex>` like a real trigger id (valid for 3 s in Slack; the stub does not check). */
export function triggerId(): string {
  return `${1_000_000_000_000 + nextSequence()}.${Date.now()}.${randomBytes(16).toString('hex')}`;
}

export function eventId(): string {
  return `Ev${randomBytes(5).toString('hex').toUpperCase()}${String(nextSequence()).padStart(4, '0')}`;
}

/** A user name as Slack derives it: the id lower-cased (the tests never rely on the handle). */
export const handleOf = (userId: string): string => `user.${userId.toLowerCase()}`;

/** The id of a user's DM with the app; the stub's `conversations.open` answers the same. */
export const dmChannelOf = (userId: string): string => `D${userId}`;

export const slackUser = (userId: string) => ({
  id: userId,
  username: handleOf(userId),
  name: handleOf(userId),
  team_id: WORKSPACE.teamId,
});

export const team = () => ({ id: WORKSPACE.teamId, domain: WORKSPACE.teamDomain });

export const plainText = (text: string) => ({ type: 'plain_text', text, emoji: true });
