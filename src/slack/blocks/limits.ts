/**
 * Block Kit limits (Slack's reference pages) and Drawbridge's own caps on user input. Builders clamp to
 * these so that no text a user types can make Slack refuse a message or a view.
 */
export const SLACK_LIMITS = {
  messageBlocks: 50,
  viewBlocks: 100,
  sectionText: 3000,
  sectionField: 2000,
  sectionFields: 10,
  contextElements: 10,
  actionsElements: 25,
  headerText: 150,
  buttonText: 75,
  buttonValue: 2000,
  optionText: 75,
  optionDescription: 75,
  optionValue: 150,
  selectOptions: 100,
  inputLabel: 2000,
  inputHint: 2000,
  placeholder: 150,
  modalTitle: 24,
  modalButton: 24,
  privateMetadata: 3000,
  confirmTitle: 100,
  confirmText: 300,
  confirmButton: 30,
  /** `text` of chat.postMessage is not limited this tightly, but a notification longer than this helps nobody. */
  fallbackText: 3000,
} as const;

/** The longest reason accepted from the modal or the slash command; longer text is refused, not cut. */
export const REASON_MAX_LENGTH = 1000;
/** The longest ticket link accepted. */
export const TICKET_MAX_LENGTH = 500;
/** The longest deny reason accepted. */
export const DENY_REASON_MAX_LENGTH = 500;
