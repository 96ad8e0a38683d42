/** The pure Block Kit builders: messages return `{ text, blocks }`, modals and App Home return a View. */
export { accessMessage } from './access-message.js';
export { activityMessage, digestMessage } from './activity-messages.js';
export { type ApprovalContext, approvalMessage } from './approval-message.js';
export { credentialsModal } from './credentials-modal.js';
export {
  alertMessage,
  deniedMessage,
  endedMessage,
  expiredMessage,
  failedMessage,
  threadNote,
  warningMessage,
} from './dm-messages.js';
export { extensionDecidedMessage, extensionRequestMessage } from './extension-messages.js';
export { type HomeInput, homeView } from './home-view.js';
export type { SlackMessage } from './kit.js';
export {
  denyReasonModal,
  extendModal,
  loadingModal,
  modalMetadata,
  readDenyReason,
  readExtendModal,
} from './modals.js';
export { helpText, listText } from './replies.js';
export { type RequestModalSelection, requestModal } from './request-modal.js';
export { type RequestModalInput, readRequestModal } from './request-modal-input.js';
export { runApproveValue, runFacts, runFinishedMessage, sqlModal } from './run-messages.js';
export type { SubmissionError } from './view-state.js';
