import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { TIERS } from '../../../src/domain/types.js';
import { requestModal } from '../../../src/slack/blocks/request-modal.js';
import { readRequestModal } from '../../../src/slack/blocks/request-modal-input.js';
import { ACTION, REQUEST_INPUT, VIEW } from '../../../src/slack/ids.js';
import type { TargetChoice } from '../../../src/slack/view-models.js';
import { blockById, expectViewWithinLimits } from './inspect.js';

const tier = (t: 'READ' | 'DML' | 'DDL', maxDurationSeconds: number, requireTicket = false) => ({
  tier: t,
  maxDurationSeconds,
  requireTicket,
  requireReason: true,
});

const TARGETS: TargetChoice[] = [
  {
    name: 'orders-prod',
    description: 'Orders (Aurora, eu-west-1)',
    tiers: [tier('READ', 8 * 3600), tier('DML', 2 * 3600), tier('DDL', 5400, true)],
    breakGlass: true,
  },
  { name: 'billing', description: 'Billing replica', tiers: [tier('READ', 600)], breakGlass: false },
];

interface Element {
  type: string;
  action_id: string;
  options: { value: string; text: { text: string }; description?: { text: string } }[];
  initial_option?: { value: string };
}
const element = (view: { blocks: unknown[] }, block: string) => blockById(view, block)?.element as Element;
const optionValues = (el: Element) => el.options.map((o) => o.value);

describe('requestModal', () => {
  it('is the request view with every input under its ids, and target and tier dispatch actions', () => {
    const view = requestModal(TARGETS);
    expect(view.callback_id).toBe(VIEW.request);
    const target = blockById(view, REQUEST_INPUT.target.block);
    expect(target).toMatchObject({ type: 'input', dispatch_action: true });
    expect(element(view, REQUEST_INPUT.target.block)).toMatchObject({
      type: 'static_select',
      action_id: ACTION.pickTarget,
    });
    expect(element(view, REQUEST_INPUT.target.block).options[0]).toMatchObject({
      text: { text: 'orders-prod' },
      value: 'orders-prod',
      description: { text: 'Orders (Aurora, eu-west-1)' },
    });
    expect(blockById(view, REQUEST_INPUT.tier.block)).toMatchObject({ type: 'input', dispatch_action: true });
    expect(element(view, REQUEST_INPUT.tier.block)).toMatchObject({
      type: 'radio_buttons',
      action_id: ACTION.pickTier,
    });
    expect(element(view, REQUEST_INPUT.duration.block).action_id).toBe('duration');
    expect(element(view, REQUEST_INPUT.reason.block)).toMatchObject({
      type: 'plain_text_input',
      multiline: true,
    });
    expect(element(view, REQUEST_INPUT.ticket.block).type).toBe('url_text_input');
    expectViewWithinLimits(view);
  });

  it('offers only the tiers the selected target offers, each with its one-line description', () => {
    const view = requestModal(TARGETS, { target: 'billing' });
    const tiers = element(view, REQUEST_INPUT.tier.block);
    expect(optionValues(tiers)).toEqual(['READ']);
    expect(tiers.options[0]?.description?.text).toBe('read rows (SELECT, SHOW VIEW)');
    // One tier on offer is preselected.
    expect(tiers.initial_option?.value).toBe('READ');
  });

  it('stops the duration choices at the selected tier maximum, and offers that maximum', () => {
    const ddl = requestModal(TARGETS, { target: 'orders-prod', tier: 'DDL' });
    expect(optionValues(element(ddl, REQUEST_INPUT.duration.block)).map(Number)).toEqual([
      900, 1800, 3600, 5400,
    ]);
    const short = requestModal(TARGETS, { target: 'billing', tier: 'READ' });
    expect(optionValues(element(short, REQUEST_INPUT.duration.block)).map(Number)).toEqual([600]);
    expect(element(short, REQUEST_INPUT.duration.block).initial_option?.value).toBe('600');
  });

  it('keeps a chosen duration that is still offered, and falls back to one hour otherwise', () => {
    const kept = requestModal(TARGETS, { target: 'orders-prod', tier: 'READ', durationSeconds: 4 * 3600 });
    expect(element(kept, REQUEST_INPUT.duration.block).initial_option?.value).toBe('14400');
    const dropped = requestModal(TARGETS, { target: 'orders-prod', tier: 'DML', durationSeconds: 4 * 3600 });
    expect(element(dropped, REQUEST_INPUT.duration.block).initial_option?.value).toBe('3600');
  });

  it('never offers a duration above the tier maximum (any maximum)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 365 * 86_400 }), fc.constantFrom(...TIERS), (max, t) => {
        const targets: TargetChoice[] = [
          { name: 'x', description: '', tiers: [tier(t, max)], breakGlass: false },
        ];
        const view = requestModal(targets, { target: 'x', tier: t });
        const values = optionValues(element(view, REQUEST_INPUT.duration.block)).map(Number);
        expect(values.length).toBeGreaterThan(0);
        expect(Math.max(...values)).toBe(max);
        expect(values.every((v) => v <= max)).toBe(true);
        expectViewWithinLimits(view);
      }),
    );
  });

  it('marks the ticket required (label and optional flag) where the tier requires one', () => {
    const ddl = requestModal(TARGETS, { target: 'orders-prod', tier: 'DDL' });
    expect(blockById(ddl, REQUEST_INPUT.ticket.block)).toMatchObject({
      optional: false,
      label: { text: 'Ticket link (required for DDL on orders-prod)' },
    });
    const read = requestModal(TARGETS, { target: 'orders-prod', tier: 'READ' });
    expect(blockById(read, REQUEST_INPUT.ticket.block)).toMatchObject({
      optional: true,
      label: { text: 'Ticket link' },
    });
  });

  it('makes the reason optional only where the policy says so', () => {
    const lax: TargetChoice[] = [
      {
        name: 'staging',
        description: '',
        tiers: [{ ...tier('READ', 3600), requireReason: false }],
        breakGlass: false,
      },
    ];
    expect(blockById(requestModal(lax, { target: 'staging' }), REQUEST_INPUT.reason.block)?.optional).toBe(
      true,
    );
    expect(
      blockById(requestModal(TARGETS, { target: 'billing' }), REQUEST_INPUT.reason.block)?.optional,
    ).toBe(false);
  });

  it('offers break-glass, with a justification hint, only where the target allows it', () => {
    const allowed = requestModal(TARGETS, { target: 'orders-prod' });
    const glass = blockById(allowed, REQUEST_INPUT.breakGlass.block);
    expect(glass).toMatchObject({
      optional: true,
      element: { type: 'checkboxes', action_id: 'break_glass' },
    });
    expect((glass as { hint: { text: string } }).hint.text).toContain('justification');
    expect(
      blockById(requestModal(TARGETS, { target: 'billing' }), REQUEST_INPUT.breakGlass.block),
    ).toBeUndefined();
    expect(blockById(requestModal(TARGETS), REQUEST_INPUT.breakGlass.block)).toBeUndefined();
  });

  it('ignores a selection that is not on offer', () => {
    const view = requestModal(TARGETS, { target: 'nope', tier: 'ROOT' });
    expect(element(view, REQUEST_INPUT.target.block).initial_option).toBeUndefined();
    expect(element(view, REQUEST_INPUT.tier.block).initial_option).toBeUndefined();
  });

  it('says so, without a submit button, when no target is configured', () => {
    const view = requestModal([]);
    expect(view.submit).toBeUndefined();
    expect(blockById(view, REQUEST_INPUT.target.block)).toBeUndefined();
  });

  it('stays within Slack limits with many targets and long descriptions', () => {
    const many: TargetChoice[] = Array.from({ length: 150 }, (_, i) => ({
      name: `db-${i}`,
      description: 'd'.repeat(500),
      tiers: [tier('READ', 3600)],
      breakGlass: true,
    }));
    expectViewWithinLimits(requestModal(many, { target: 'db-3' }));
  });
});

/** view.state.values as Slack sends them. */
function values(input: {
  target?: string;
  tier?: string;
  duration?: string;
  reason?: string | null;
  ticket?: string | null;
  breakGlass?: boolean;
}) {
  const select = (value?: string) => ({ type: 'static_select', selected_option: value ? { value } : null });
  return {
    [REQUEST_INPUT.target.block]: { [REQUEST_INPUT.target.action]: select(input.target) },
    [REQUEST_INPUT.tier.block]: {
      [REQUEST_INPUT.tier.action]: { ...select(input.tier), type: 'radio_buttons' },
    },
    [REQUEST_INPUT.duration.block]: { [REQUEST_INPUT.duration.action]: select(input.duration) },
    [REQUEST_INPUT.reason.block]: {
      [REQUEST_INPUT.reason.action]: { type: 'plain_text_input', value: input.reason ?? null },
    },
    [REQUEST_INPUT.ticket.block]: {
      [REQUEST_INPUT.ticket.action]: { type: 'url_text_input', value: input.ticket ?? null },
    },
    [REQUEST_INPUT.breakGlass.block]: {
      [REQUEST_INPUT.breakGlass.action]: {
        type: 'checkboxes',
        selected_options: input.breakGlass
          ? [{ value: 'break_glass', text: { type: 'plain_text', text: 'x' } }]
          : [],
      },
    },
  };
}

describe('readRequestModal', () => {
  it('reads a complete submission', () => {
    expect(
      readRequestModal(
        values({
          target: 'orders-prod',
          tier: 'DDL',
          duration: '5400',
          reason: '  add index  ',
          ticket: 'https://t.example.com/1',
        }),
      ),
    ).toEqual({
      ok: true,
      value: {
        target: 'orders-prod',
        tier: 'DDL',
        durationSeconds: 5400,
        reason: 'add index',
        ticket: 'https://t.example.com/1',
      },
    });
  });

  it('leaves out an empty ticket and turns break-glass into the reason as justification', () => {
    const read = readRequestModal(
      values({
        target: 'orders-prod',
        tier: 'READ',
        duration: '3600',
        reason: 'checkout down',
        breakGlass: true,
      }),
    );
    expect(read).toEqual({
      ok: true,
      value: {
        target: 'orders-prod',
        tier: 'READ',
        durationSeconds: 3600,
        reason: 'checkout down',
        breakGlass: { justification: 'checkout down' },
      },
    });
  });

  it('keys every problem by the block id of its input', () => {
    const read = readRequestModal(
      values({ tier: 'WRITE', duration: 'forever', reason: 'x'.repeat(1001), ticket: 'javascript:alert(1)' }),
    );
    expect(read.ok).toBe(false);
    if (read.ok) return;
    expect(read.error.code).toBe('invalid_submission');
    expect(Object.keys(read.error.errors).sort()).toEqual(
      [
        REQUEST_INPUT.target.block,
        REQUEST_INPUT.tier.block,
        REQUEST_INPUT.duration.block,
        REQUEST_INPUT.reason.block,
        REQUEST_INPUT.ticket.block,
      ].sort(),
    );
  });

  it('asks for a justification on the reason block when break-glass is ticked without one', () => {
    const read = readRequestModal(
      values({ target: 'orders-prod', tier: 'READ', duration: '3600', breakGlass: true }),
    );
    expect(read.ok ? {} : read.error.errors).toEqual({
      [REQUEST_INPUT.reason.block]: expect.stringContaining('justification'),
    });
  });

  it('never throws and only ever names blocks of the modal, whatever the payload', () => {
    const blockIds = Object.values(REQUEST_INPUT).map((i) => i.block);
    fc.assert(
      fc.property(fc.anything(), (payload) => {
        const read = readRequestModal(payload);
        if (!read.ok) for (const key of Object.keys(read.error.errors)) expect(blockIds).toContain(key);
      }),
    );
  });
});
