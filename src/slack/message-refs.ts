/** Where a Slack message lives, so it can be updated in place or replied to in its thread. */
export interface MessageRef {
  channel: string;
  ts: string;
}

/** The messages Drawbridge posted for one request. */
export interface RequestMessages {
  /** The approval message in the target's approval channel (decisions and progress update it). */
  approval?: MessageRef;
  /** The requester's DM with the connection details. */
  access?: MessageRef;
}

/** Remembers each request's messages across processes (DynamoDB in production and local mode). */
export interface MessageRefs {
  get(requestId: string): Promise<RequestMessages>;
  /** Set one ref, keeping the others. */
  put(requestId: string, which: keyof RequestMessages, ref: MessageRef): Promise<void>;
}
