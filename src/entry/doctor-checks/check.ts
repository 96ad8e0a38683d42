/** One line of `drawbridge doctor`: what was checked, how it went, and what to do about it. */
export type CheckStatus = 'ok' | 'warn' | 'fail' | 'skip';

export interface DoctorCheck {
  name: string;
  status: CheckStatus;
  /** Never holds a secret: no password, token or parameter value is ever read into a detail. */
  detail: string;
}

export const check = (name: string, status: CheckStatus, detail: string): DoctorCheck => ({
  name,
  status,
  detail,
});

/** The message of a thrown value, for a detail (drivers and SDKs do not put credentials in theirs). */
export function messageOf(error: unknown): string {
  if (error instanceof Error) return error.message.split('\n')[0] ?? error.name;
  return String(error);
}
