import { z } from 'zod';
import { ConfigError } from '../domain/errors.js';

const schema = z.object({
  SLACK_SIGNING_SECRET: z
    .string({ error: 'is required (Basic Information → App Credentials → Signing Secret)' })
    .min(1),
  SLACK_BOT_TOKEN: z
    .string({ error: 'is required: the bot token, xoxb-… (OAuth & Permissions)' })
    .regex(/^xoxb-/, 'must be a bot token starting with xoxb- (OAuth & Permissions)'),
  SLACK_APP_TOKEN: z
    .string()
    .regex(
      /^xapp-/,
      'must be an app-level token starting with xapp- (Basic Information → App-Level Tokens, scope connections:write)',
    )
    .optional(),
  SLACK_API_URL: z.url('must be a URL such as http://127.0.0.1:9999/api/').optional(),
  /** 0 picks a free port (tests). */
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  /** The address HTTP mode listens on (default every interface, as a Slack request URL needs). */
  HOST: z
    .string()
    .regex(/^[0-9A-Za-z.:-]+$/, 'must be an address to listen on, such as 127.0.0.1 or 0.0.0.0')
    .default('0.0.0.0'),
});

export type SlackEnv = z.infer<typeof schema>;

/** The Slack settings from the environment, or one ConfigError naming every bad variable. Values are never echoed. */
export function readSlackEnv(env: Readonly<Record<string, string | undefined>>): SlackEnv {
  const present = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = schema.safeParse(present);
  if (parsed.success) return parsed.data;
  const lines = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
  throw new ConfigError(`Slack environment is incomplete:\n  ${lines.join('\n  ')}`);
}
