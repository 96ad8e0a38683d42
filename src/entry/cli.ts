/**
 * The `drawbridge` command. Every subcommand reads the config from DRAWBRIDGE_CONFIG
 * (default ./drawbridge.yaml, else ./drawbridge.example.yaml).
 */
import { existsSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { createLogger } from '../adapters/logging/pino-logger.js';
import { sweep } from '../app/sweep.js';
import { DrawbridgeError } from '../domain/errors.js';
import { auditReport } from './audit.js';
import { loadConfig } from './config.js';
import { doctorDepsFromConfig, doctorExitCode, formatDoctorReport, runDoctor } from './doctor.js';
import { startLocalApp } from './local-app.js';
import { startServer } from './serve.js';
import { readSlackEnv } from './slack-env.js';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

const USAGE = `usage: drawbridge <command>

  serve                the Slack app (npm start): HTTP on PORT at POST /slack/events, or Socket Mode
                       when SLACK_APP_TOKEN is set; needs SLACK_SIGNING_SECRET and SLACK_BOT_TOKEN
  demo                 run the whole lifecycle locally against the configured MariaDB, narrated
  doctor               check the config, each target's admin login and privileges, Slack, and in AWS mode
                       the AWS permissions (dry runs); exit 1 if a check fails
  sweep                end overdue access, remove orphan bastions and accounts, fail stuck provisioning
  audit [--json] [--request <id>]
                       print the approval log and verify each request's history hash chain
  help                 this text

The config file is DRAWBRIDGE_CONFIG (default: drawbridge.yaml, else drawbridge.example.yaml).`;

function configPath(): string {
  if (process.env.DRAWBRIDGE_CONFIG) return process.env.DRAWBRIDGE_CONFIG;
  return existsSync('drawbridge.yaml') ? 'drawbridge.yaml' : 'drawbridge.example.yaml';
}

async function run(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  switch (command) {
    case 'serve': {
      const server = await startServer(await loadConfig(configPath()), readSlackEnv(process.env));
      process.stdout.write(
        `drawbridge: serving Slack ${server.port ? `on http://0.0.0.0:${server.port}/slack/events` : 'over Socket Mode'}\n`,
      );
      await new Promise<void>((resolve) => {
        const stop = () => resolve();
        process.once('SIGINT', stop);
        process.once('SIGTERM', stop);
      });
      await server.close();
      return 0;
    }
    case 'demo':
      await import('./demo.js');
      return 0;
    case 'doctor': {
      const config = await loadConfig(configPath());
      const deps = doctorDepsFromConfig(config, process.env);
      try {
        const report = await runDoctor(config, deps);
        process.stdout.write(`${formatDoctorReport(report)}\n`);
        return doctorExitCode(report);
      } finally {
        deps.close();
      }
    }
    case 'sweep': {
      const app = await startLocalApp(await loadConfig(configPath()), {
        logger: createLogger({ level: 'warn' }),
      });
      try {
        const report = await sweep(app.deps);
        await app.queue.drain();
        process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
        return report.errors.length === 0 ? 0 : 1;
      } finally {
        await app.close();
      }
    }
    case 'audit': {
      const { values } = parseArgs({
        args: rest,
        options: { json: { type: 'boolean' }, request: { type: 'string' } },
      });
      const app = await startLocalApp(await loadConfig(configPath()), {
        logger: createLogger({ level: 'warn' }),
      });
      try {
        const report = await auditReport(app.store, values.request);
        process.stdout.write(values.json ? `${JSON.stringify(report.entries, null, 2)}\n` : report.text);
        return report.tampered ? 2 : 0;
      } finally {
        await app.close();
      }
    }
    case undefined:
    case 'help':
    case '--help':
    case '-h':
      process.stdout.write(`${USAGE}\n`);
      return command === undefined ? 1 : 0;
    default:
      process.stderr.write(`drawbridge: unknown command "${command}"\n\n${USAGE}\n`);
      return 1;
  }
}

try {
  process.exitCode = await run(process.argv.slice(2));
} catch (e) {
  const message =
    e instanceof DrawbridgeError ? `${e.code}: ${e.message}` : e instanceof Error ? e.message : String(e);
  process.stderr.write(`drawbridge: ${message}\n`);
  process.exitCode = 1;
}
