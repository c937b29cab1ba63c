import diagnostics_channel from 'node:diagnostics_channel';

/**
 * One attempt of one PingOne call, published by src/pingone/http.ts on the `pingone.call`
 * channel. Logs, the inspector and the benchmark subscribe; nothing wraps a client to see its
 * calls. It holds no header, body, query or secret.
 */
export interface CallEvent {
  /** The client that made the call: a process may hold several apps (tests, the bench). */
  client: number;
  /** `authorize`, `otp.check`, `resume`, `token`, `jwks`, `create application`… */
  step: string;
  workflowStep?: number;
  workflowStepName?: string;
  method: string;
  url: string;
  /** `url` with its ids replaced by `{id}`: one name per endpoint. */
  template: string;
  status?: number;
  durationMs: number;
  pingoneErrorId?: string;
  /** PingOne's `code`, OAuth's `error`, or one of LOCAL_ERROR_CODES. */
  errorCode?: string;
  attempt: number;
  willRetry: boolean;
  /** The `X-Ping-External-Transaction-ID` sent: the transfer the call belongs to. */
  transactionId?: string;
  requestId?: string;
}

const CALL_CHANNEL = 'pingone.call';

const channel = diagnostics_channel.channel(CALL_CHANNEL);

export const publishCall = (event: CallEvent): void => channel.publish(event);

/** Whether anyone listens: an event is built only then. */
export const callsObserved = (): boolean => channel.hasSubscribers;

/**
 * Every message of channel `name` from `client` (every message when undefined) until `signal`
 * aborts; returns the unsubscribe function. A listener's throw is swallowed: Node would rethrow
 * it as uncaught, and watching a call or an approval never fails it.
 */
export function onChannel<T>(
  name: string | symbol,
  client: number | undefined,
  listener: (event: T) => void,
  signal?: AbortSignal,
): () => void {
  const handler = (message: unknown) => {
    if (client !== undefined && (message as { client?: number }).client !== client) return;
    try {
      listener(message as T);
    } catch {
      // A subscriber's problem, not the publisher's.
    }
  };
  const unsubscribe = () => void diagnostics_channel.unsubscribe(name, handler);
  if (signal?.aborted) return unsubscribe;
  diagnostics_channel.subscribe(name, handler);
  signal?.addEventListener('abort', unsubscribe, { once: true });
  return unsubscribe;
}

export const onCall = (
  client: number | undefined,
  listener: (event: CallEvent) => void,
  signal?: AbortSignal,
) => onChannel(CALL_CHANNEL, client, listener, signal);

const ID_SEGMENT = /^(?=.*\d)[0-9a-f-]{16,}$/i;

/** `https://api…/v1/environments/{id}/applications/{id}`: the ids of a path replaced. */
export function urlTemplate(url: string): string {
  const at = url.indexOf('/', url.indexOf('//') + 2);
  if (at < 0) return url;
  const path = url
    .slice(at)
    .split('/')
    .map((segment) => (ID_SEGMENT.test(segment) ? '{id}' : segment))
    .join('/');
  return url.slice(0, at) + path;
}
