import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  jobEvent,
  parseWorkerEvent,
  TEARDOWN_REASON_MAX_LENGTH,
  workEvent,
  workerEventSchema,
} from '../../../src/adapters/aws/worker-event.js';
import type { Job, WorkItem } from '../../../src/domain/ports.js';
import { jobArbitrary, requestIdArbitrary, workItemArbitrary } from './worker-event-arbitrary.js';

/** What actually travels: the JSON text, parsed back by the worker. */
const overTheWire = (event: unknown): unknown => JSON.parse(JSON.stringify(event));

describe('worker events', () => {
  it.each<[string, unknown]>([
    ['a scheduled teardown', { kind: 'job', job: { requestId: 'r-abcdefghjk', kind: 'teardown' } }],
    ['a scheduled warning', { kind: 'job', job: { requestId: 'r-23456789ab', kind: 'warn' } }],
    ['an approval timeout', { kind: 'job', job: { requestId: 'r-zzzzzzzzzz', kind: 'approval-timeout' } }],
    ['a provision', { kind: 'work', item: { kind: 'provision', requestId: 'r-abcdefghjk' } }],
    [
      'a resumed provision',
      { kind: 'work', item: { kind: 'provision', requestId: 'r-abcdefghjk', resume: true } },
    ],
    [
      'a teardown',
      { kind: 'work', item: { kind: 'teardown', requestId: 'r-abcdefghjk', reason: 'ended early' } },
    ],
    ['a handed-off sweep', { kind: 'work', item: { kind: 'sweep' } }],
    ['the periodic sweep', { kind: 'sweep' }],
  ])('accepts %s as it is', (_, event) => {
    expect(parseWorkerEvent(event)).toEqual({ ok: true, value: event });
  });

  it.each<[string, unknown, string]>([
    [
      'a request id with an excluded letter',
      { kind: 'job', job: { requestId: 'r-abcdefghij', kind: 'warn' } },
      'job.requestId',
    ],
    [
      'an upper-case request id',
      { kind: 'job', job: { requestId: 'r-ABCDEFGHJK', kind: 'warn' } },
      'job.requestId',
    ],
    ['an unknown job kind', { kind: 'job', job: { requestId: 'r-abcdefghjk', kind: 'extend' } }, 'job.kind'],
    ['a job without an id', { kind: 'job', job: { kind: 'warn' } }, 'job.requestId'],
    ['an unknown event kind', { kind: 'ping' }, 'kind'],
    ['an unknown work kind', { kind: 'work', item: { kind: 'reboot' } }, 'item.kind'],
    [
      'resume that is not a boolean',
      { kind: 'work', item: { kind: 'provision', requestId: 'r-abcdefghjk', resume: 'yes' } },
      'item.resume',
    ],
    [
      'a teardown without a reason',
      { kind: 'work', item: { kind: 'teardown', requestId: 'r-abcdefghjk' } },
      'item.reason',
    ],
    [
      'an empty reason',
      { kind: 'work', item: { kind: 'teardown', requestId: 'r-abcdefghjk', reason: '' } },
      'item.reason',
    ],
    [
      'an over-long reason',
      {
        kind: 'work',
        item: {
          kind: 'teardown',
          requestId: 'r-abcdefghjk',
          reason: 'x'.repeat(TEARDOWN_REASON_MAX_LENGTH + 1),
        },
      },
      'item.reason',
    ],
    ['an unknown key', { kind: 'sweep', extra: 1 }, '(event)'],
    [
      'an unknown key inside a job',
      { kind: 'job', job: { requestId: 'r-abcdefghjk', kind: 'warn', at: 'x' } },
      'job',
    ],
  ])('refuses %s, naming the path', (_, event, path) => {
    const parsed = parseWorkerEvent(event);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) {
      expect(parsed.error.code).toBe('invalid_worker_event');
      expect(parsed.error.message).toMatch(new RegExp(`^${path.replace(/[().]/g, '\\$&')}: `, 'm'));
    }
  });

  it.each([null, undefined, 42, 'sweep', [], {}, { kind: 'job' }, { kind: 'work' }])('refuses %j', (junk) => {
    expect(parseWorkerEvent(junk)).toMatchObject({ ok: false, error: { code: 'invalid_worker_event' } });
  });

  it('jobEvent carries only the request id and kind (the worker reads the rest from the store)', () => {
    const job: Job = { requestId: 'r-abcdefghjk', kind: 'teardown', at: new Date('2030-01-01T00:00:00Z') };
    expect(jobEvent(job)).toEqual({ kind: 'job', job: { requestId: 'r-abcdefghjk', kind: 'teardown' } });
  });

  it('workEvent copies only the fields a WorkItem defines', () => {
    const item = { kind: 'provision', requestId: 'r-abcdefghjk', note: 'stray' } as WorkItem;
    expect(workEvent(item)).toEqual({ kind: 'work', item: { kind: 'provision', requestId: 'r-abcdefghjk' } });
  });
});

describe('worker event properties', () => {
  it('every work item round-trips through workEvent, JSON and the schema', () => {
    fc.assert(
      fc.property(workItemArbitrary, (item) => {
        expect(parseWorkerEvent(overTheWire(workEvent(item)))).toEqual({
          ok: true,
          value: { kind: 'work', item },
        });
      }),
    );
  });

  it('every job round-trips through jobEvent, JSON and the schema', () => {
    fc.assert(
      fc.property(jobArbitrary, (job) => {
        const parsed = parseWorkerEvent(overTheWire(jobEvent(job)));
        expect(parsed).toEqual({
          ok: true,
          value: { kind: 'job', job: { requestId: job.requestId, kind: job.kind } },
        });
      }),
    );
  });

  it('junk never throws; whatever is accepted is exactly what the schema defines', () => {
    fc.assert(
      fc.property(fc.oneof(fc.anything(), fc.jsonValue()), (junk) => {
        const parsed = parseWorkerEvent(junk);
        if (parsed.ok) expect(workerEventSchema.parse(overTheWire(parsed.value))).toEqual(parsed.value);
        else expect(parsed.error.message.length).toBeGreaterThan(0);
      }),
    );
  });

  it('near misses of valid events are refused without throwing', () => {
    const mangledId = requestIdArbitrary.chain((id) =>
      fc.constantFrom(id.toUpperCase(), `${id}a`, id.slice(0, -1), id.replace('r-', 'x-'), ` ${id}`),
    );
    fc.assert(
      fc.property(mangledId, fc.constantFrom('warn', 'teardown', 'approval-timeout'), (requestId, kind) => {
        const parsed = parseWorkerEvent({ kind: 'job', job: { requestId, kind } });
        expect(parsed.ok).toBe(false);
      }),
    );
  });
});
