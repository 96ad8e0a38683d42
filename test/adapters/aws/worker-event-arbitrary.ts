/** fast-check generators of valid request ids, jobs and work items, as the use cases produce them. */
import fc from 'fast-check';
import { TEARDOWN_REASON_MAX_LENGTH } from '../../../src/adapters/aws/worker-event.js';
import type { Job, WorkItem } from '../../../src/domain/ports.js';

const ID_ALPHABET = 'abcdefghjkmnpqrstvwxyz23456789';

export const requestIdArbitrary = fc
  .string({ unit: fc.constantFrom(...ID_ALPHABET), minLength: 10, maxLength: 10 })
  .map((s) => `r-${s}`);

export const jobArbitrary: fc.Arbitrary<Job> = fc.record({
  requestId: requestIdArbitrary,
  kind: fc.constantFrom('approval-timeout', 'warn', 'teardown'),
  at: fc.date(),
});

export const workItemArbitrary: fc.Arbitrary<WorkItem> = fc.oneof(
  fc.record({ kind: fc.constant('provision'), requestId: requestIdArbitrary }),
  fc.record({ kind: fc.constant('provision'), requestId: requestIdArbitrary, resume: fc.boolean() }),
  fc.record({
    kind: fc.constant('teardown'),
    requestId: requestIdArbitrary,
    reason: fc
      .string({ unit: 'grapheme', minLength: 1, maxLength: 200 })
      .filter((r) => r.length <= TEARDOWN_REASON_MAX_LENGTH),
  }),
  fc.constant<WorkItem>({ kind: 'sweep' }),
);
