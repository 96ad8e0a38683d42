/**
 * `npm run bench`: every performance figure the product promises that this code base can measure here, written to
 * bench/RESULTS.md. Benchmarks, not tests: nothing here fails on a slow number.
 */
import { writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import mysql from 'mysql2/promise';
import { runAwsBench } from './aws.bench.js';
import { runEvidenceBench } from './evidence.bench.js';
import { grantBenchMarkdown, runGrantBench } from './grants.bench.js';
import { runLambdaBench } from './lambda.bench.js';
import { runLifecycleBench, runSoakBench } from './lifecycle.bench.js';
import { runExportBench } from './runs.bench.js';
import { runSlackAckBench } from './slack-ack.bench.js';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

const ms = (v: number) => v.toFixed(1);

async function serverVersion(): Promise<string> {
  const c = await mysql.createConnection({
    host: '127.0.0.1',
    port: 3306,
    user: 'root',
    password: process.env.DRAWBRIDGE_DB_PASSWORD ?? '',
  });
  const [rows] = await c.query('SELECT VERSION() AS v');
  await c.end();
  return (rows as { v: string }[])[0]?.v ?? 'unknown';
}

const only = process.argv.slice(2);
const want = (name: string) => only.length === 0 || only.includes(name);
const sections: string[] = [];

if (want('lifecycle')) {
  process.stderr.write('lifecycle bench…\n');
  const l = await runLifecycleBench(50);
  const c = l.concurrent;
  sections.push(`## Lifecycle (local mode: dynalite in-process, loopback bastion, MariaDB)

| what | result | target |
| --- | --- | --- |
| approve click → \`active\` with credentials, ${l.approveToActive.runs} runs one after another | p50 ${ms(l.approveToActive.p50)} ms · p99 ${ms(l.approveToActive.p99)} ms · max ${ms(l.approveToActive.max)} ms | p50 < 300 ms |
| ${c.requests} requests approved at once | ${c.active}/${c.requests} active · ${c.distinctBastions} distinct bastions · ${c.distinctAccounts} distinct accounts · ${c.lostEvents} request(s) with a missing or extra event · ${ms(c.wallMs)} ms wall | all active, no duplicate, no lost event |`);
}

if (want('soak')) {
  process.stderr.write('soak bench (1,000 lifecycles)…\n');
  const samples = await runSoakBench(1_000);
  const first = samples[0];
  const last = samples.at(-1);
  sections.push(`## Soak: 1,000 short lifecycles (submit → approve → active → End now → ended), one after another

| lifecycles | open descriptors | RSS MB | JS heap used MB | MariaDB \`Aborted_connects\` |
| ---: | ---: | ---: | ---: | ---: |
${samples.map((s) => `| ${s.lifecycles} | ${s.fds} | ${s.rssMb.toFixed(0)} | ${s.heapMb.toFixed(0)} | ${s.abortedConnects} |`).join('\n')}

Change from the first to the last sample: descriptors ${(last?.fds ?? 0) - (first?.fds ?? 0)}, RSS ${((last?.rssMb ?? 0) - (first?.rssMb ?? 0)).toFixed(0)} MB, \`Aborted_connects\` ${(last?.abortedConnects ?? 0) - (first?.abortedConnects ?? 0)} (server-wide: other clients count too). Target: flat.
The store is dynalite on disk, in-process, as \`serve\` runs it; samples are taken after a garbage collection.
Before the fix in \`dynalite-iterator-close.ts\` (every dynalite Query left a LevelDB iterator open) RSS grew
220 → 1,049 MB over the same run.`);
}

if (want('slack')) {
  process.stderr.write('slack ack bench…\n');
  const rows = await runSlackAckBench(200);
  sections.push(`## Slack ack latency (real server over HTTP, signed requests, one at a time)

| what | n | p50 ms | p99 ms | max ms | non-200 |
| --- | ---: | ---: | ---: | ---: | ---: |
${rows.map((r) => `| ${r.what} | ${r.n} | ${ms(r.p50)} | ${ms(r.p99)} | ${ms(r.max)} | ${r.non200} |`).join('\n')}

Target: p99 < 100 ms (Slack allows 3 s).`);
}

if (want('aws')) {
  process.stderr.write('aws bench (moto_server)…\n');
  const a = await runAwsBench(50);
  sections.push(`## AWS mode: Drawbridge's own overhead (moto_server, MariaDB, Slack stub)

${
  a
    ? `| what | runs | p50 ms | p99 ms | max ms | target |
| --- | ---: | ---: | ---: | ---: | --- |
| approve click → \`active\`: decision, EC2 launch and describes, SSM agent check, MySQL account, two schedules, DynamoDB writes, Slack notices | ${a.runs} | ${ms(a.p50)} | ${ms(a.p99)} | ${ms(a.max)} | p50 < 1 s |

moto's instances are "running" at once and its SSM agents are answered by the test shim, so this is Drawbridge's own
overhead (and moto's); on AWS the EC2 boot (~25 s to running) and SSM registration (30 s to minutes) come on top.`
    : 'moto_server is not installed here (`pip install "moto[server]"`): not measured.'
}`);
}

if (want('lambda')) {
  process.stderr.write('lambda bench (bundling, cold imports)…\n');
  const rows = await runLambdaBench();
  sections.push(`## Lambda bundles (esbuild, nodejs22.x, minified ESM with code splitting; \`@aws-sdk/*\` from the runtime)

| function | all files | handler module | handler import, p50 / max | loading everything a first event may need, p50 |
| --- | ---: | ---: | ---: | ---: |
${rows.map((r) => `| ${r.name} | ${(r.bytes / 1024).toFixed(0)} KiB | ${(r.entryBytes / 1024).toFixed(1)} KiB | ${ms(r.importMsP50)} / ${ms(r.importMsMax)} ms | ${ms(r.firstEventLoadMsP50)} ms |`).join('\n')}

Targets: < 1.5 MB each; handler import < 250 ms. ${rows[0]?.runs ?? 0} fresh processes each, Node ${process.version} here (Lambda runs Node 22).
The last column is the code loading a cold start still pays on its first event (all chunks and all five AWS SDK clients,
no network): the runtime and each adapter load on first use, so most events load less.`);
}

if (want('evidence')) {
  process.stderr.write('evidence bench…\n');
  const e = await runEvidenceBench();
  sections.push(`## Evidence: signed writes, activity collection, verification

| what | result | reference, same run |
| --- | --- | --- |
| store update with its chain head signed (Ed25519 key file), ${e.writes.runs} writes to dynalite | p50 ${ms(e.writes.sealed.p50)} ms · p99 ${ms(e.writes.sealed.p99)} ms | unsealed: p50 ${ms(e.writes.plain.p50)} ms · p99 ${ms(e.writes.plain.p99)} ms |
| one access's records from a ${e.collect.records.toLocaleString('en')}-record server_audit file (${e.collect.fileMb.toFixed(0)} MB), read from the position kept at account creation | ${ms(e.collect.fromPosition)} ms, ${e.collect.found} records found | the whole file: ${ms(e.collect.wholeFile)} ms |
| summarising them | ${ms(e.collect.summarize)} ms | |
| \`audit --verify\`: ${e.verify.histories.toLocaleString('en')} histories of ${e.verify.events} events, chain and signature | ${ms(e.verify.ms)} ms (${ms(e.verify.ms / e.verify.histories)} ms each) | |

No target is set for these; they show what the evidence adds (in AWS mode a signature is one KMS Sign call instead, measured in the AWS section's lifecycle).`);
}

if (want('runs')) {
  process.stderr.write('runs bench (1,000,000 rows exported, beside the mysql client)…\n');
  const rows = await runExportBench();
  const client = rows[0];
  sections.push(`## Runs: exporting 1,000,000 rows of a 10-column table (MariaDB on loopback, each in a fresh process)

| exporter | time | rows/s | file MB | throughput vs the mysql client | peak RSS MB |
| --- | ---: | ---: | ---: | ---: | ---: |
${rows.map((r) => `| ${r.what} | ${ms(r.ms)} ms | ${Math.round(r.rows / (r.ms / 1000)).toLocaleString('en')} | ${r.mb.toFixed(0)} | ${client ? (client.ms / r.ms).toFixed(2) : '-'}× | ${Number.isNaN(r.peakRssMb) ? '-' : r.peakRssMb.toFixed(0)} |`).join('\n')}

Targets: ≥ 0.5× the mysql client's throughput, < 200 MB peak RSS. The export streams rows (mysql2's query stream,
back-pressured by the file); the gzipped row includes compressing the file afterwards, which an export over 1 MB
always gets before delivery.`);
}

if (want('grants')) {
  process.stderr.write('grants bench (creates schemas of up to 10,000 tables; takes a few minutes)…\n');
  const rows = await runGrantBench();
  sections.push(`## Per-user grant and teardown (MariaDB, schema with ~5% \`secret_*\` tables)

${grantBenchMarkdown(rows)}

Target: < 50 ms per user at 10,000 tables and flat across sizes, shown beside the per-table-grant path.`);
}

const header = `# Benchmark results

Measured by \`npm run bench\` on ${new Date().toISOString().slice(0, 10)}: Node ${process.version}, ${cpus().length} cores
(${cpus()[0]?.model ?? 'unknown CPU'}), ${(totalmem() / 2 ** 30).toFixed(0)} GiB, server ${await serverVersion()}.
Run one section with \`npm run bench -- lifecycle\`, \`-- soak\`, \`-- slack\`, \`-- aws\`, \`-- lambda\`, \`-- evidence\`, \`-- runs\` or \`-- grants\`.`;
const text = `${header}\n\n${sections.join('\n\n')}\n`;
if (only.length === 0) writeFileSync('bench/RESULTS.md', text);
process.stdout.write(text);
