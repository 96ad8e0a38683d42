/**
 * The request modal opened by a bare `/bastion`. Choosing a target or a tier dispatches an action and the
 * listener re-renders the modal with `selected`, so the tier choices are those the target offers and the
 * duration choices stop at that tier's maximum.
 *
 * Every input block is always present once a target exists (tier and duration too, with the widest
 * choices until a target and tier are picked): Slack's own required-field check and the
 * `response_action: 'errors'` answer both need the block to be there.
 */
import type { InputBlock, KnownBlock, ModalView } from '@slack/types';
import { formatDuration } from '../../domain/duration.js';
import { TIER_DESCRIPTIONS } from '../../domain/tiers.js';
import { TIERS, type Tier } from '../../domain/types.js';
import { REQUEST_INPUT, VIEW } from '../ids.js';
import type { TargetChoice } from '../view-models.js';
import { defaultDuration, durationChoices, durationLabel, durationOption } from './duration-options.js';
import { context, option, plain, section } from './kit.js';
import { REASON_MAX_LENGTH, SLACK_LIMITS } from './limits.js';
import { code } from './text.js';

/** What the user picked so far, straight from the view state: values not on offer are ignored. */
export interface RequestModalSelection {
  target?: string;
  tier?: Tier | string;
  /** The duration chosen before a re-render, kept when still offered. */
  durationSeconds?: number;
}

type TierChoice = TargetChoice['tiers'][number];

export const BREAK_GLASS_VALUE = 'break_glass';

export function requestModal(
  targets: readonly TargetChoice[],
  selected: RequestModalSelection = {},
  command = '/bastion',
): ModalView {
  const base = {
    type: 'modal' as const,
    callback_id: VIEW.request,
    title: plain('Request database access', SLACK_LIMITS.modalTitle),
    close: plain('Cancel', SLACK_LIMITS.modalButton),
  };
  const offered = targets.slice(0, SLACK_LIMITS.selectOptions);
  if (offered.length === 0) {
    return {
      ...base,
      blocks: [section('No database is configured for access yet. Ask the platform team to add one.')],
    };
  }
  const target =
    offered.find((t) => t.name === selected.target) ?? (offered.length === 1 ? offered[0] : undefined);
  const tiers = target ? target.tiers : widestTiers(offered);
  const tier = tiers.find((t) => t.tier === selected.tier) ?? (tiers.length === 1 ? tiers[0] : undefined);
  const maxSeconds = tier ? tier.maxDurationSeconds : Math.max(0, ...tiers.map((t) => t.maxDurationSeconds));
  // Policy flags are known only once both are chosen; until then ask for a reason and leave the ticket optional.
  const rules = target && tier ? tier : undefined;

  const blocks: KnownBlock[] = [
    targetInput(offered, target),
    tierInput(tiers, tier, target !== undefined),
    durationInput(maxSeconds, selected.durationSeconds, target, tier),
    reasonInput(rules?.requireReason ?? true),
    ticketInput(rules?.requireTicket ?? false, target, tier),
  ];
  if (target?.breakGlass) blocks.push(breakGlassInput());
  blocks.push(
    context(
      `Tip: ask in one line with ${code(`${command} request ${target?.name ?? 'orders-prod'} ${tier?.tier ?? 'READ'} 1h <reason>`)}`,
    ),
  );
  return { ...base, submit: plain('Request', SLACK_LIMITS.modalButton), blocks };
}

/** Before a target is picked: every tier some target offers, each with the largest maximum any target gives it. */
function widestTiers(targets: readonly TargetChoice[]): TierChoice[] {
  return TIERS.flatMap((tier) => {
    const all = targets.flatMap((t) => t.tiers.filter((c) => c.tier === tier));
    if (all.length === 0) return [];
    const maxDurationSeconds = Math.max(...all.map((c) => c.maxDurationSeconds));
    return [{ tier, maxDurationSeconds, requireReason: true, requireTicket: false }];
  });
}

function input(
  ids: { block: string; action: string },
  label: string,
  element: InputBlock['element'],
  extra: Partial<Pick<InputBlock, 'optional' | 'dispatch_action' | 'hint'>> = {},
): InputBlock {
  return {
    type: 'input',
    block_id: ids.block,
    label: plain(label, SLACK_LIMITS.inputLabel),
    element: { ...element, action_id: ids.action } as InputBlock['element'],
    ...extra,
  };
}

function targetInput(targets: readonly TargetChoice[], chosen: TargetChoice | undefined): InputBlock {
  const options = targets.map((t) => option(t.name, t.name, t.description || undefined));
  const initial = chosen ? options[targets.indexOf(chosen)] : undefined;
  return input(
    REQUEST_INPUT.target,
    'Database',
    {
      type: 'static_select',
      placeholder: plain('Choose a database', SLACK_LIMITS.placeholder),
      options,
      ...(initial ? { initial_option: initial } : {}),
    },
    { dispatch_action: true },
  );
}

function tierInput(tiers: readonly TierChoice[], chosen: TierChoice | undefined, targetKnown: boolean) {
  const options = tiers.map((t) =>
    option(
      targetKnown ? `${t.tier} · up to ${formatDuration(t.maxDurationSeconds)}` : t.tier,
      t.tier,
      TIER_DESCRIPTIONS[t.tier],
    ),
  );
  const initial = chosen ? options[tiers.indexOf(chosen)] : undefined;
  if (options.length === 0) return section('This database offers no access tier.');
  return input(
    REQUEST_INPUT.tier,
    'Access tier',
    { type: 'radio_buttons', options, ...(initial ? { initial_option: initial } : {}) },
    { dispatch_action: true },
  );
}

function durationInput(
  maxSeconds: number,
  wanted: number | undefined,
  target: TargetChoice | undefined,
  tier: TierChoice | undefined,
): InputBlock {
  const choices = durationChoices(maxSeconds);
  const initial = defaultDuration(choices, wanted);
  const limit =
    target && tier ? ` ${tier.tier} on ${target.name} lasts at most ${durationLabel(maxSeconds)}.` : '';
  return input(
    REQUEST_INPUT.duration,
    'Duration',
    {
      type: 'static_select',
      placeholder: plain('How long', SLACK_LIMITS.placeholder),
      options: choices.map(durationOption),
      ...(initial !== undefined ? { initial_option: durationOption(initial) } : {}),
    },
    { hint: plain(`Counts from the moment access is ready.${limit}`, SLACK_LIMITS.inputHint) },
  );
}

function reasonInput(required: boolean): InputBlock {
  return input(
    REQUEST_INPUT.reason,
    'Reason',
    {
      type: 'plain_text_input',
      multiline: true,
      max_length: REASON_MAX_LENGTH,
      placeholder: plain('What will you do, and why now?', SLACK_LIMITS.placeholder),
    },
    { optional: !required },
  );
}

function ticketInput(required: boolean, target: TargetChoice | undefined, tier: TierChoice | undefined) {
  const label =
    required && target && tier ? `Ticket link (required for ${tier.tier} on ${target.name})` : 'Ticket link';
  return input(
    REQUEST_INPUT.ticket,
    label,
    { type: 'url_text_input', placeholder: plain('https://…', SLACK_LIMITS.placeholder) },
    { optional: !required },
  );
}

function breakGlassInput(): InputBlock {
  return input(
    REQUEST_INPUT.breakGlass,
    'Emergency',
    {
      type: 'checkboxes',
      options: [
        option(
          'Break glass: approve it myself',
          BREAK_GLASS_VALUE,
          'Only in an emergency; approvers are told at once',
        ),
      ],
    },
    {
      optional: true,
      hint: plain(
        'Your reason is the justification (10 characters or more). The approvers are told at once and review it afterwards.',
        SLACK_LIMITS.inputHint,
      ),
    },
  );
}
