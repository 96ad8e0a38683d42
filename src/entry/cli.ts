/**
 * The `drawbridge` command. Every subcommand reads the config from DRAWBRIDGE_CONFIG
 * (default ./drawbridge.yaml, else ./drawbridge.example.yaml). Every verb answers `--help` without acting,
 * and an unknown option prints the verb's usage (exit 2). `audit` and `doctor` only read.
 */
import { existsSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { ConsoleNotifier } from '../adapters/console/console-notifier.js';
import { createLogger } from '../adapters/logging/pino-logger.js';
import { sweep } from '../app/sweep.js';
import { loadConfig } from '../config/config.js';
import { DrawbridgeError } from '../domain/errors.js';
import { auditReport } from './audit.js';
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
    usage: `drawbridge audit [--json] [--request <id>]
  The approval log: who asked, who decided, what was granted, how it ended; verifies each request's
  history hash chain. Reads only — through a running \`drawbridge serve\` when there is one.
  Exit 2 if a history was altered, 3 if --request names no request.`,
    options: { json: { type: 'boolean' }, request: { type: 'string' } },
    async run(values) {
      const path = configPath();
      const config = await loadConfig(path);
      const opened = await openReadOnlyStore(config, readLiveServeRuntime(runtimeFilePath(path)));
      const requestId = typeof values.request === 'string' ? values.request : undefined;
      if (!opened) {
        process.stderr.write(
          'drawbridge: nothing is recorded (an in-memory store lives only inside a running `drawbridge serve`)\n',
        );
        process.stdout.write(values.json ? '[]\n' : 'no requests recorded\n');
        return requestId ? 3 : 0;
      }
      try {
        const report = await auditReport(opened.store, requestId);
        process.stdout.write(values.json ? `${JSON.stringify(report.entries, null, 2)}\n` : report.text);
        if (requestId && report.entries.length === 0) return 3;
        return report.tampered ? 2 : 0;
      } finally {
        await opened.close();
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
