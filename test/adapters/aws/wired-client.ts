/**
 * A real SDK client whose HTTP layer is an in-memory handler answering from a list of canned replies: the
 * client's own serializer, deserializer and retry middleware run as they do against AWS, so a test sees how
 * the SDK really delivers an error (EC2's XML, the JSON services' `x-amzn-errortype`) and how often it
 * retries. No network: the handler answers every request itself.
 */
export interface Reply {
  status: number;
  body: string;
  headers?: Record<string, string>;
}

export interface SentRequest {
  body: string;
  headers: Record<string, string>;
}

export const TEST_CREDENTIALS = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'test-only-not-a-secret' };

/** Replies are used in order; the last one repeats once the list runs out (a service that keeps failing). */
export function cannedHandler(replies: readonly Reply[]) {
  const sent: SentRequest[] = [];
  const queue = [...replies];
  const requestHandler = {
    async handle(request: { body?: unknown; headers: Record<string, string> }) {
      sent.push({ body: String(request.body ?? ''), headers: { ...request.headers } });
      const reply = queue.length > 1 ? queue.shift() : queue[0];
      if (!reply) throw new Error('no reply configured');
      return {
        response: {
          statusCode: reply.status,
          headers: reply.headers ?? { 'content-type': 'text/xml;charset=UTF-8' },
          body: new TextEncoder().encode(reply.body),
        },
      };
    },
    updateHttpClientConfig() {},
    httpHandlerConfigs: () => ({}),
  };
  return { requestHandler, sent };
}

export const ec2ErrorXml = (code: string, message: string) =>
  `<?xml version="1.0" encoding="UTF-8"?>
<Response><Errors><Error><Code>${code}</Code><Message>${message}</Message></Error></Errors><RequestID>ea966190-f9aa-478e-9ede-cb5432daacc0</RequestID></Response>`;

/** An error as the JSON services (Lambda, Scheduler) send it: the code in `x-amzn-errortype`. */
export const jsonError = (status: number, code: string, body: Record<string, string>): Reply => ({
  status,
  headers: { 'content-type': 'application/json', 'x-amzn-errortype': code },
  body: JSON.stringify(body),
});

/** The `attempt=N; max=M` header the SDK's retry layer puts on every request it sends. */
export const attemptHeaders = (sent: readonly SentRequest[]) => sent.map((r) => r.headers['amz-sdk-request']);
