import { describe, expect, it } from 'vitest';
import { ERROR_CODES } from '../../src/domain/errors.js';
import { errorText } from '../../src/slack/error-text.js';

describe('errorText: the one place an error code becomes user text', () => {
  it('keeps the use case’s specifics and adds what the person can do', () => {
    expect(errorText({ code: 'not_found', message: 'no request r-k3m9x2p7qa' })).toBe(
      'no request r-k3m9x2p7qa. Check the id with `/bastion list`.',
    );
    expect(errorText({ code: 'self_approval', message: 'you cannot approve or deny your own request' })).toBe(
      'you cannot approve or deny your own request. Another approver has to decide.',
    );
  });

  it('adds nothing where the message already says it all', () => {
    const message = 'this request was already decided (now approved)';
    expect(errorText({ code: 'already_decided', message })).toBe(message);
  });

  it('answers every code in the closed set, each with at most one sentence added', () => {
    for (const code of ERROR_CODES) {
      const text = errorText({ code, message: 'x' });
      expect(text === 'x' || text.startsWith('x. ')).toBe(true);
    }
  });
});
