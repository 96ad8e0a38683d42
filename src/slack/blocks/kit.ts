/**
 * Small Block Kit constructors that clamp every field to Slack's limits, so a builder cannot produce a
 * payload Slack refuses (a refused chat.update would leave an approval message showing stale buttons).
 */
import type {
  ActionsBlock,
  ActionsBlockElement,
  Button,
  ConfirmationDialog,
  ContextBlock,
  DividerBlock,
  HeaderBlock,
  KnownBlock,
  MrkdwnElement,
  PlainTextElement,
  PlainTextOption,
  SectionBlock,
} from '@slack/types';
import { SLACK_LIMITS } from './limits.js';
import { clampMrkdwn, clip } from './text.js';

/** A message as chat.postMessage / chat.update take it: `text` is the notification fallback. */
export interface SlackMessage {
  text: string;
  blocks: KnownBlock[];
}

/** Slack refuses empty text objects. */
const nonEmpty = (text: string) => (text.trim() === '' ? '-' : text);

export function plain(text: string, max: number = SLACK_LIMITS.sectionText): PlainTextElement {
  return { type: 'plain_text', text: clip(nonEmpty(text), max), emoji: true };
}

export function mrkdwn(text: string, max: number = SLACK_LIMITS.sectionText): MrkdwnElement {
  return { type: 'mrkdwn', text: clampMrkdwn(nonEmpty(text), max) };
}

export function section(text: string, accessory?: Button): SectionBlock {
  return { type: 'section', text: mrkdwn(text), ...(accessory ? { accessory } : {}) };
}

/** A section of short labelled facts shown in two columns (at most 10). */
export function fields(entries: readonly (readonly [label: string, value: string])[]): SectionBlock {
  return {
    type: 'section',
    fields: entries
      .slice(0, SLACK_LIMITS.sectionFields)
      .map(([label, value]) => mrkdwn(`*${label}*\n${value}`, SLACK_LIMITS.sectionField)),
  };
}

export function context(...texts: string[]): ContextBlock {
  return { type: 'context', elements: texts.slice(0, SLACK_LIMITS.contextElements).map((t) => mrkdwn(t)) };
}

export function header(text: string): HeaderBlock {
  return { type: 'header', text: plain(text, SLACK_LIMITS.headerText) };
}

export function divider(): DividerBlock {
  return { type: 'divider' };
}

export function actions(blockId: string, elements: ActionsBlockElement[]): ActionsBlock {
  return { type: 'actions', block_id: blockId, elements: elements.slice(0, SLACK_LIMITS.actionsElements) };
}

export interface ButtonSpec {
  text: string;
  actionId: string;
  /** The request id: every Drawbridge button carries it. */
  value: string;
  style?: 'primary' | 'danger';
  confirm?: ConfirmationDialog;
}

export function button(spec: ButtonSpec): Button {
  return {
    type: 'button',
    text: plain(spec.text, SLACK_LIMITS.buttonText),
    action_id: spec.actionId,
    value: clip(spec.value, SLACK_LIMITS.buttonValue),
    ...(spec.style ? { style: spec.style } : {}),
    ...(spec.confirm ? { confirm: spec.confirm } : {}),
  };
}

export function confirmDialog(spec: {
  title: string;
  text: string;
  confirm: string;
  deny: string;
}): ConfirmationDialog {
  return {
    title: plain(spec.title, SLACK_LIMITS.confirmTitle),
    text: mrkdwn(spec.text, SLACK_LIMITS.confirmText),
    confirm: plain(spec.confirm, SLACK_LIMITS.confirmButton),
    deny: plain(spec.deny, SLACK_LIMITS.confirmButton),
    style: 'danger',
  };
}

export function option(text: string, value: string, description?: string): PlainTextOption {
  return {
    text: plain(text, SLACK_LIMITS.optionText),
    value: clip(value, SLACK_LIMITS.optionValue),
    ...(description ? { description: plain(description, SLACK_LIMITS.optionDescription) } : {}),
  };
}

/**
 * Keeps a block list within `max`: the last kept block says how many were left out and where to find
 * them. Builders put what matters (status, buttons) first, so only list items are ever dropped.
 */
export function capBlocks<B extends KnownBlock>(blocks: B[], max: number, more: (left: number) => string) {
  if (blocks.length <= max) return blocks as KnownBlock[];
  const kept: KnownBlock[] = blocks.slice(0, max - 1);
  kept.push(context(more(blocks.length - kept.length)));
  return kept;
}

/** The fallback text of a message: plain enough for a notification, within its limit. */
export function fallback(text: string): string {
  return clampMrkdwn(nonEmpty(text), SLACK_LIMITS.fallbackText);
}
