import { z } from 'zod';
import type { UseCases } from '../../app/use-cases.js';
import type { Logger } from '../../domain/ports.js';
import { requestIdSchema } from '../../domain/request-id.js';
import type { TargetChoice } from '../view-models.js';

/** What every listener receives: use cases and read-only settings, never an adapter. */
export interface ListenerContext {
  useCases: UseCases;
  targets: TargetChoice[];
  command: string;
  logger: Logger;
}

/** Button values and modal metadata carry a request id; anything else is refused before a use case runs. */

export const modalMetadataSchema = z.object({ requestId: requestIdSchema, channel: z.string().optional() });

export function parseRequestId(value: unknown): string | undefined {
  const parsed = requestIdSchema.safeParse(value);
  return parsed.success ? parsed.data : undefined;
}

/** An ack that may be called more than once (Bolt refuses a second ack): the first call acknowledges. */
export function ackOnce(ack: () => Promise<void>): () => Promise<void> {
  let done: Promise<void> | undefined;
  return () => {
    done ??= ack();
    return done;
  };
}
