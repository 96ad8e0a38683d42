/**
 * The evidence report for one request or a period, as Markdown or as one self-contained HTML file (inline
 * style, no script, no external resource: it opens offline and prints). For each access: what was approved,
 * what was granted, what was executed, how it ended, and the verification result.
 */
import { type ActivityEvidence, hasSummary } from '../../domain/activity.js';
import { activityCounts, changeLines, shortTime, statementLine } from '../../domain/activity-text.js';
import { type AuditStory, decisionsText, endText, verificationText } from './audit-story.js';

export interface ReportScope {
  /** What the report covers, e.g. `request r-abc` or `requests from 2026-12-01 to 2026-12-04`. */
  title: string;
  generatedAt: Date;
  /** Where the records were read. */
  source: string;
}

interface Section {
  heading: string;
  facts: [string, string][];
  /** Statements shown as preformatted text. */
  listing?: { caption: string; lines: string[] };
}

function executedSection(evidence: ActivityEvidence | undefined): Section {
  if (!evidence)
    return {
      heading: 'What was executed',
      facts: [['Activity', 'none recorded (no audit source, or not ended yet)']],
    };
  if (!hasSummary(evidence))
    return {
      heading: 'What was executed',
      facts: [
        ['Activity', `not known: ${evidence.unavailable}`],
        ['Source', evidence.source],
      ],
    };
  const s = evidence.summary;
  const facts: [string, string][] = [
    ['Counts', activityCounts(s)],
    ['Window', `${shortTime(evidence.window.from)} – ${shortTime(evidence.window.to)}`],
    ['Source', evidence.source],
  ];
  if (s.firstStatementAt && s.lastStatementAt)
    facts.push([
      'Statements',
      `first ${shortTime(s.firstStatementAt)}, last ${shortTime(s.lastStatementAt)}`,
    ]);
  const lines = [
    ...changeLines(s),
    ...s.failures.filter((f) => f.kind !== 'write' && f.kind !== 'ddl').map(statementLine),
  ];
  return {
    heading: 'What was executed',
    facts,
    ...(lines.length > 0 ? { listing: { caption: 'Writes, DDL and failed statements', lines } } : {}),
  };
}

function sections(story: AuditStory): Section[] {
  const r = story.request;
  const approved: [string, string][] = [
    ['Requester', `${r.requester.email} (${r.requester.slackUserId})`],
    ['Asked', shortTime(r.requestedAt)],
    ['Access', `${r.tier} on ${r.target} for ${r.durationSeconds} s`],
    ['Reason', r.reason],
    ['Ticket', r.ticket ?? '—'],
    ['Decisions', decisionsText(r)],
  ];
  if (r.breakGlass)
    approved.push([
      'Break-glass',
      `"${r.breakGlass.justification}", reviewed by ${r.breakGlass.reviewedBy ?? 'nobody yet'}`,
    ]);
  const granted: [string, string][] = r.account
    ? [
        ['Account', `${r.account.user}@${r.account.host} (only from its bastion)`],
        ['Bastion', r.bastionId ?? '—'],
        [
          'Active',
          `${r.activatedAt ? shortTime(r.activatedAt) : '—'} until ${r.expiresAt ? shortTime(r.expiresAt) : '—'}`,
        ],
        ...(story.granted
          ? ([
              ['Privileges', `${story.granted.privileges.join(', ')} (the tier, as configured now)`],
              ['Never granted', story.granted.protectedTables.join(', ') || '(no protected tables)'],
            ] as [string, string][])
          : []),
      ]
    : [['Account', 'none was made']];
  return [
    { heading: 'What was approved', facts: approved },
    { heading: 'What was granted', facts: granted },
    executedSection(story.activity),
    { heading: 'How it ended', facts: [['End', endText(r) ?? `not ended (${r.state})`]] },
    {
      heading: 'Verification',
      facts: [
        [
          'Result',
          `${story.verification.ok ? 'VERIFIED' : 'NOT VERIFIED'} — ${verificationText(story.verification)}`,
        ],
      ],
    },
  ];
}

function summaryLine(stories: readonly AuditStory[]): string {
  const failed = stories.filter((s) => !s.verification.ok).length;
  return `${stories.length} request(s); ${failed === 0 ? 'every history verified' : `${failed} NOT VERIFIED`}`;
}

export function markdownReport(stories: readonly AuditStory[], scope: ReportScope): string {
  const cell = (t: string) => t.replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
  const out = [
    `# Drawbridge evidence report: ${scope.title}`,
    '',
    `Generated ${shortTime(scope.generatedAt.toISOString())} from ${scope.source}. ${summaryLine(stories)}.`,
  ];
  for (const story of stories) {
    out.push('', `## ${story.request.id} — ${story.request.state}`);
    for (const section of sections(story)) {
      out.push('', `### ${section.heading}`, '', '| | |', '| --- | --- |');
      for (const [k, v] of section.facts) out.push(`| ${cell(k)} | ${cell(v)} |`);
      if (section.listing) {
        const fence = section.listing.lines.some((l) => l.includes('```')) ? '~~~~' : '```';
        out.push('', `${section.listing.caption}:`, '', fence, ...section.listing.lines, fence);
      }
    }
  }
  return `${out.join('\n')}\n`;
}

const escapeHtml = (t: string) =>
  t
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');

const STYLE = `body{font:15px/1.5 system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;color:#1b1f24}
h1{font-size:1.5rem}h2{margin-top:2.5rem;border-bottom:1px solid #ccd}h3{font-size:1.05rem;margin-bottom:.3rem}
table{border-collapse:collapse;width:100%}th{text-align:left;width:11rem;vertical-align:top;color:#444}
td,th{padding:.2rem .5rem;border-bottom:1px solid #eee}pre{background:#f4f5f7;padding:.7rem;overflow-x:auto;white-space:pre-wrap}
.ok{color:#116329;font-weight:600}.bad{color:#b00020;font-weight:600}`;

export function htmlReport(stories: readonly AuditStory[], scope: ReportScope): string {
  const parts = [
    '<!doctype html>',
    '<html lang="en"><head><meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    // Nothing may load from anywhere: the report is evidence, read offline.
    `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">`,
    `<title>${escapeHtml(`Drawbridge evidence report: ${scope.title}`)}</title>`,
    `<style>${STYLE}</style></head><body>`,
    `<h1>${escapeHtml(`Drawbridge evidence report: ${scope.title}`)}</h1>`,
    `<p>Generated ${escapeHtml(shortTime(scope.generatedAt.toISOString()))} from ${escapeHtml(scope.source)}. ${escapeHtml(summaryLine(stories))}.</p>`,
  ];
  for (const story of stories) {
    const verdict = story.verification.ok
      ? '<span class="ok">verified</span>'
      : '<span class="bad">NOT VERIFIED</span>';
    parts.push(
      `<section><h2>${escapeHtml(story.request.id)} — ${escapeHtml(story.request.state)} (${verdict})</h2>`,
    );
    for (const section of sections(story)) {
      parts.push(`<h3>${escapeHtml(section.heading)}</h3><table>`);
      for (const [k, v] of section.facts)
        parts.push(`<tr><th>${escapeHtml(k)}</th><td>${escapeHtml(v)}</td></tr>`);
      parts.push('</table>');
      if (section.listing)
        parts.push(
          `<p>${escapeHtml(section.listing.caption)}:</p><pre>${escapeHtml(section.listing.lines.join('\n'))}</pre>`,
        );
    }
    parts.push('</section>');
  }
  if (stories.length === 0) parts.push('<p>No request matches.</p>');
  parts.push('</body></html>');
  return `${parts.join('\n')}\n`;
}
