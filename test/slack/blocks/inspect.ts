/**
 * Reading built Block Kit payloads in tests: every text object, button and option, and a check of Slack's
 * limits and of mrkdwn escaping that applies to any payload.
 */
import type { KnownBlock, View } from '@slack/types';
import { expect } from 'vitest';

type Json = unknown;

interface TextObject {
  type: 'plain_text' | 'mrkdwn';
  text: string;
}

/** Every `{ type: plain_text|mrkdwn, text }` object in the payload, with the key that holds it. */
export function textObjects(payload: Json, key = ''): { key: string; object: TextObject }[] {
  if (Array.isArray(payload)) return payload.flatMap((item) => textObjects(item, key));
  if (payload === null || typeof payload !== 'object') return [];
  const record = payload as Record<string, Json>;
  const here =
    (record.type === 'plain_text' || record.type === 'mrkdwn') && typeof record.text === 'string'
      ? [{ key, object: record as unknown as TextObject }]
      : [];
  return [...here, ...Object.entries(record).flatMap(([k, v]) => textObjects(v, k))];
}

export interface FoundButton {
  action_id: string;
  value?: string;
  style?: string;
  text: string;
  confirm?: unknown;
}

export function buttons(payload: Json): FoundButton[] {
  if (Array.isArray(payload)) return payload.flatMap(buttons);
  if (payload === null || typeof payload !== 'object') return [];
  const record = payload as Record<string, Json>;
  const here =
    record.type === 'button'
      ? [{ ...(record as object), text: (record.text as TextObject).text } as FoundButton]
      : [];
  return [...here, ...Object.values(record).flatMap(buttons)];
}

export const actionIds = (payload: Json) => buttons(payload).map((b) => b.action_id);

/** All mrkdwn text of the payload joined, for "mentions X" assertions. */
export function allMrkdwn(payload: Json): string {
  return textObjects(payload)
    .filter((t) => t.object.type === 'mrkdwn')
    .map((t) => t.object.text)
    .join('\n');
}

/** The only `<…>` sequences Drawbridge emits: user and group mentions, dates, and http(s) links. */
const CONTROL =
  /^<(?:@[UW][A-Z0-9]+|!subteam\^S[A-Z0-9]+|!date\^\d+\^[^|>]+\|[^>]+|https?:\/\/[^|<>\s]+(?:\|[^<>]*)?)>$/;

/** Every `<` opens an allowed control sequence and every `&` is an entity: no user text slipped through raw. */
export function expectEscaped(mrkdwn: string): void {
  for (const match of mrkdwn.matchAll(/<[^>]*>?/g)) expect(match[0]).toMatch(CONTROL);
  expect(mrkdwn.replace(/<[^>]*>/g, '')).not.toMatch(/[<>]/);
  expect(mrkdwn).not.toMatch(/&(?!amp;|lt;|gt;)/);
}

const LIMIT_BY_KEY: Record<string, number> = {
  title: 24,
  submit: 24,
  close: 24,
  placeholder: 150,
  label: 2000,
  hint: 2000,
  description: 75,
};

/** Slack's limits on any block list, with `maxBlocks` 50 for messages and 100 for views. */
export function expectWithinLimits(
  blocks: readonly (KnownBlock | { type: string })[],
  maxBlocks: number,
): void {
  expect(blocks.length).toBeLessThanOrEqual(maxBlocks);
  for (const block of blocks as unknown as Record<string, Json>[]) {
    if (block.type === 'section') {
      const text = block.text as TextObject | undefined;
      if (text) expect(text.text.length).toBeLessThanOrEqual(3000);
      const fields = (block.fields as TextObject[] | undefined) ?? [];
      expect(fields.length).toBeLessThanOrEqual(10);
      for (const f of fields) expect(f.text.length).toBeLessThanOrEqual(2000);
    }
    if (block.type === 'header') expect((block.text as TextObject).text.length).toBeLessThanOrEqual(150);
    if (block.type === 'context') expect((block.elements as Json[]).length).toBeLessThanOrEqual(10);
    if (block.type === 'actions') expect((block.elements as Json[]).length).toBeLessThanOrEqual(25);
  }
  for (const b of buttons(blocks)) {
    expect(b.text.length).toBeLessThanOrEqual(75);
    expect((b.value ?? '').length).toBeLessThanOrEqual(2000);
  }
  for (const { key, object } of textObjects(blocks)) {
    expect(object.text.length).toBeGreaterThan(0);
    expect(object.text.length).toBeLessThanOrEqual(3000);
    const limit = LIMIT_BY_KEY[key];
    if (limit !== undefined) expect(object.text.length, key).toBeLessThanOrEqual(limit);
    if (object.type === 'mrkdwn') expectEscaped(object.text);
  }
  for (const o of options(blocks)) {
    expect(o.text.text.length).toBeLessThanOrEqual(75);
    expect(o.value.length).toBeLessThanOrEqual(150);
  }
}

export function expectViewWithinLimits(view: View): void {
  const v = view as View & { title?: TextObject; submit?: TextObject; close?: TextObject };
  for (const t of [v.title, v.submit, v.close]) if (t) expect(t.text.length).toBeLessThanOrEqual(24);
  expect((view.private_metadata ?? '').length).toBeLessThanOrEqual(3000);
  expectWithinLimits(view.blocks as KnownBlock[], 100);
}

interface FoundOption {
  text: TextObject;
  value: string;
}

/** Options of selects, radio buttons and checkboxes (not initial_option copies). */
export function options(payload: Json): FoundOption[] {
  if (Array.isArray(payload)) return payload.flatMap(options);
  if (payload === null || typeof payload !== 'object') return [];
  const record = payload as Record<string, Json>;
  const here = Array.isArray(record.options) ? (record.options as FoundOption[]) : [];
  return [...here, ...Object.entries(record).flatMap(([k, v]) => (k === 'options' ? [] : options(v)))];
}

/** The block with `block_id`, for input assertions. */
export function blockById(
  view: { blocks: readonly unknown[] },
  id: string,
): Record<string, Json> | undefined {
  return (view.blocks as Record<string, Json>[]).find((b) => b.block_id === id);
}
