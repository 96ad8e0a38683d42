/** The Slack check: the bot token works, and for which workspace and bot user. */
import { check, type DoctorCheck, messageOf } from './check.js';

/** The part of `@slack/web-api`'s WebClient the doctor uses, so a test can pass a plain object. */
export interface SlackAuthClient {
  auth: {
    test(): Promise<{
      ok?: boolean;
      team?: string;
      team_id?: string;
      user?: string;
      user_id?: string;
      error?: string;
    }>;
  };
}

export async function slackCheck(slack: SlackAuthClient | undefined): Promise<DoctorCheck> {
  const name = 'slack: bot token';
  if (slack === undefined) return check(name, 'skip', 'no bot token: set SLACK_BOT_TOKEN');
  try {
    const answer = await slack.auth.test();
    if (answer.ok === false) return check(name, 'fail', `auth.test answered ${answer.error ?? 'not ok'}`);
    return check(
      name,
      'ok',
      `team ${answer.team ?? '?'} (${answer.team_id ?? '?'}), bot user ${answer.user ?? '?'} (${answer.user_id ?? '?'})`,
    );
  } catch (error) {
    // WebClient errors say `An API error occurred: invalid_auth`; the token itself is never in them.
    return check(name, 'fail', `auth.test failed: ${messageOf(error)}`);
  }
}
