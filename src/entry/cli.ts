/**
 * The `drawbridge` command. Every subcommand reads the config from DRAWBRIDGE_CONFIG
 * (default ./drawbridge.yaml, else ./drawbridge.example.yaml). Every verb answers `--help` without acting,
 * and an unknown option prints the verb's usage (exit 2). `audit` and `doctor` only read.
 */
import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { ConsoleNotifier } from '../adapters/console/console-notifier.js';
import { createLogger } from '../adapters/logging/pino-logger.js';
import { sweep } from '../app/sweep.js';
import { loadConfig } from '../config/config.js';
import { DrawbridgeError } from '../domain/errors.js';
import { auditKeys, auditReader } from './audit/audit-deps.js';
import { parseAuditOptions } from './audit/audit-options.js';
import { runAudit } from './audit/run-audit.js';
import { parseWitness } from './audit/verification.js';
import { doctorExitCode, formatDoctorReport, runDoctor } from './doctor.js';
import { doctorDepsFromConfig } from './doctor-checks/real-deps.js';
import { startLocalApp } from './local-app.js';
import { openReadOnlyStore } from './read-only-store.js';
import { startServer } from './serve.js';
import {
  readLiveServeRuntime,
  removeServeRuntime,
  runtimeFilePath,
  writeServeRuntime,
} from './serve-runtime.js';
import { readSlackEnv } from './slack-env.js';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

interface Verb {
  usage: string;
  options: Record<string, { type: 'boolean' | 'string' }>;
  run(values: Record<string, string | boolean | undefined>): Promise<number>;
}

const CONFIG_NOTE =
  'The config file is DRAWBRIDGE_CONFIG (default: drawbridge.yaml, else drawbridge.example.yaml).';

function configPath(): string {
  if (process.env.DRAWBRIDGE_CONFIG) return process.env.DRAWBRIDGE_CONFIG;
  return existsSync('drawbridge.yaml') ? 'drawbridge.yaml' : 'drawbridge.example.yaml';
}

/** Diagnostics go to stderr: stdout carries only the command's output (`--json` is pure JSON). */
const stderrLogger = () => createLogger({ level: 'warn' });

const VERBS: Record<string, Verb> = {
  serve: {
    usage: `drawbridge serve
  The Slack app (npm start): HTTP on PORT (HOST, default 0.0.0.0) at POST /slack/events, or Socket Mode
  when SLACK_APP_TOKEN is set; needs SLACK_SIGNING_SECRET and SLACK_BOT_TOKEN. Sweeps every 5 minutes, and
  at once on SIGUSR2 (what \`drawbridge sweep\` sends it).`,
    options: {},
    async run() {
      const path = configPath();
      const server = await startServer(await loadConfig(path), readSlackEnv(process.env));
      const runtime = runtimeFilePath(path);
      writeServeRuntime(runtime, {
        pid: process.pid,
        table: server.local.table,
        ...(server.local.storeEndpoint ? { storeEndpoint: server.local.storeEndpoint } : {}),
      });
      const sweepNow = () => void server.local.deps.queue.enqueue({ kind: 'sweep' });
      process.on('SIGUSR2', sweepNow);
      process.stdout.write(
        `drawbridge: serving Slack ${server.port ? `on http://${server.host}:${server.port}/slack/events` : 'over Socket Mode'}\n`,
      );
      try {
        await new Promise<void>((resolve) => {
          process.once('SIGINT', () => resolve());
          process.once('SIGTERM', () => resolve());
        });
      } finally {
        process.off('SIGUSR2', sweepNow);
        removeServeRuntime(runtime);
        await server.close();
      }
      return 0;
    },
  },
  demo: {
    usage: `drawbridge demo [--keep]
  The whole lifecycle locally against the configured MariaDB, narrated (npm run demo).
  --keep   leave the demo schema in place afterwards`,
    options: { keep: { type: 'boolean' } },
    async run() {
      await import('./demo.js');
      return 0;
    },
  },
  doctor: {
    usage: `drawbridge doctor
  Check the config, each target's admin login and privileges, Slack, and in AWS mode the AWS permissions
  (dry runs). Reads only. Exit 1 if a check fails.`,
    options: {},
    async run() {
      const config = await loadConfig(configPath());
      const deps = doctorDepsFromConfig(config, process.env);
      try {
        const report = await runDoctor(config, deps);
        process.stdout.write(`${formatDoctorReport(report)}\n`);
        return doctorExitCode(report);
      } finally {
        deps.close();
      }
    },
  },
  sweep: {
    usage: `drawbridge sweep
  End overdue access, expire undecided requests, fail stuck provisioning, remove what the ownership ledger
  holds for requests no longer live, and sync the tier roles. While \`drawbridge serve\` runs for this config
  it asks that server to sweep (its bastions live in it) and prints {"askedServe": <pid>}; otherwise it sweeps
  itself, telling people through Slack when SLACK_BOT_TOKEN is set (else on stderr), and prints the report as
  JSON on stdout. Exit 1 if a step failed.`,
    options: {},
    async run() {
      const path = configPath();
      const serve = readLiveServeRuntime(runtimeFilePath(path));
      if (serve) {
        process.kill(serve.pid, 'SIGUSR2');
        process.stdout.write(`${JSON.stringify({ askedServe: serve.pid })}\n`);
        return 0;
      }
      const config = await loadConfig(path);
      const app = await startLocalApp(config, {
        logger: stderrLogger(),
        notifier: await sweepNotifier(config),
        startup: false,
      });
      try {
        const report = await sweep(app.deps);
        await app.queue.drain();
        process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
        return report.errors.length === 0 ? 0 : 1;
      } finally {
        await app.close();
      }
    },
  },
  audit: {
    usage: `drawbridge audit [filters] [--format table|csv|json|jsonl] [--request <id> [--activity]]
                [--verify [--witness <file>] [--public-key <pem>]] [--report <file.md|file.html>]
  The security reviewer's tool. Reads only — through a running \`drawbridge serve\` when there is one.
  filters     --since <when> --until <when>   (a date such as 2026-12-01, a UTC time, or a time ago: 24h, 7d)
              --requester <Slack id, e-mail or database user>  --approver <Slack id>
              --target <name>  --tier READ|DML|DDL  --state <state>
  --request   one access's whole story: who asked and why, who decided, what was granted, what was
              executed, how it ended, and whether its history verifies
  --activity  with --request: also read its activity from the target's audit records now (writes nothing)
  --verify    require every history to verify: hash chain, signed chain head (the configured key, or
              --public-key), and the heads in --witness (the digest's lines, copied from Slack)
  --report    write a self-contained evidence report (Markdown or HTML) instead of printing
  --json      the same as --format json
  Exit 0 when every history shown verifies, 3 if --request names no request, 4 if a history does not
  verify (with --verify also when one is unsigned or no key is at hand), 2 for a bad option.`,
    options: {
      json: { type: 'boolean' },
      format: { type: 'string' },
      request: { type: 'string' },
      activity: { type: 'boolean' },
      verify: { type: 'boolean' },
      witness: { type: 'string' },
      'public-key': { type: 'string' },
      report: { type: 'string' },
      since: { type: 'string' },
      until: { type: 'string' },
      requester: { type: 'string' },
      approver: { type: 'string' },
      target: { type: 'string' },
      tier: { type: 'string' },
      state: { type: 'string' },
    },
    async run(values) {
      const parsed = parseAuditOptions(values, new Date());
      if (!parsed.ok) {
        process.stderr.write(`drawbridge audit: ${parsed.message.replace(/\n/g, '\ndrawbridge audit: ')}\n`);
        return 2;
      }
      const path = configPath();
      const config = await loadConfig(path);
      const opened = await openReadOnlyStore(config, readLiveServeRuntime(runtimeFilePath(path)));
      if (!opened)
        process.stderr.write(
          'drawbridge: nothing is recorded (an in-memory store lives only inside a running `drawbridge serve`)\n',
        );
      const reader = auditReader(config);
      try {
        const outcome = await runAudit(parsed.value, {
          store: opened?.store,
          source: opened?.source ?? 'nothing recorded',
          now: new Date(),
          keys: await auditKeys(config, parsed.value.publicKey),
          witness: parsed.value.witness ? parseWitness(await readFile(parsed.value.witness, 'utf8')) : [],
          granted: reader.granted,
          readActivity: reader.readActivity,
          writeReport: (file, text) => writeFile(file, text, 'utf8'),
        });
        process.stdout.write(outcome.stdout);
        process.stderr.write(outcome.stderr);
        return outcome.code;
      } finally {
        await reader.close();
        await opened?.close();
      }
    },
  },
};

/** Slack when a bot token is set (the people must hear what the sweep removed), else lines on stderr. */
async function sweepNotifier(config: Awaited<ReturnType<typeof loadConfig>>) {
  const token = process.env.SLACK_BOT_TOKEN;
  if (!token) return new ConsoleNotifier((line) => process.stderr.write(`${line}\n`));
  const { slackAdapters } = await import('./slack-wiring.js');
  return slackAdapters(config, token, stderrLogger(), process.env.SLACK_API_URL).notifier;
}

const USAGE = `usage: drawbridge <command> [--help]

${Object.values(VERBS)
  .map((v) => v.usage)
  .join('\n\n')}

${CONFIG_NOTE}`;

async function run(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (command === undefined || command === 'help' || command === '--help' || command === '-h') {
    process.stdout.write(`${USAGE}\n`);
    return command === undefined ? 1 : 0;
  }
  const verb = VERBS[command];
  if (!verb) {
    process.stderr.write(`drawbridge: unknown command "${command}"\n\n${USAGE}\n`);
    return 1;
  }
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({
      args: rest,
      options: { ...verb.options, help: { type: 'boolean', short: 'h' } },
      strict: true,
    }));
  } catch (e) {
    process.stderr.write(`drawbridge ${command}: ${(e as Error).message}\n\nusage: ${verb.usage}\n`);
    return 2;
  }
  if (values.help) {
    process.stdout.write(`usage: ${verb.usage}\n\n${CONFIG_NOTE}\n`);
    return 0;
  }
  return verb.run(values);
}

try {
  process.exitCode = await run(process.argv.slice(2));
} catch (e) {
  const message =
    e instanceof DrawbridgeError ? `${e.code}: ${e.message}` : e instanceof Error ? e.message : String(e);
  process.stderr.write(`drawbridge: ${message}\n`);
  process.exitCode = 1;
}
