import type { ApprovalEvent, ObservedRequest } from '../approval/approval-observer.js';
import { wrongCodeInfo } from '../approval/outcome.js';
import { maskPhone, phoneOf } from '../approval/phone.js';
import { smsPreview } from '../approval/sms-text.js';
import { FLOW_STATUS, type CookieJar } from '../pingone/flow.js';
import { isPingOneError } from '../pingone/http.js';
import type { InspectorOptions } from './inspector-options.js';
import type { Recorder, RequestScope } from './recorder.js';
import type { SmsReader } from './sms-outbox.js';
import {
  authorizeStep,
  callbackStep,
  codeSubmitStep,
  httpFacts,
  otpCheckStep,
  resumeStep,
  smsStep,
  summarizeTokenResponse,
  tokenStep,
} from './steps.js';

const SIDE_CALLS = new Set(['discovery', 'jwks', 'userinfo']);

/**
 * The approval core's events as trace steps: one step per PingOne call, with its HTTP facts
 * taken from the `pingone.call` events the same request collected.
 */
export function approvalSteps(
  rec: Recorder,
  options: Pick<InspectorOptions, 'urls' | 'mode' | 'phoneHint' | 'flowsBearer' | 'clientId'>,
  readSms: SmsReader,
): (at: ObservedRequest, event: ApprovalEvent) => Promise<void> | undefined {
  const { scope, record, keep, begin, now } = rec;
  const { urls } = options;
  const calls = (s: RequestScope, step: string) => s.reports.filter((r) => r.step === step);
  const cookies = (jar: CookieJar | undefined) => Object.values(jar ?? {});

  return (at, event) => {
    const s = scope.getStore();
    if (!s) return undefined;
    const add = (draft: Parameters<typeof record>[2]) => record(s, at.session, draft);
    switch (event.kind) {
      case 'started': {
        keep(s, event.params.requestJwt);
        begin(s, event.transfer.id);
        if (event.responseMode === 'query') {
          add(
            authorizeStep({
              params: event.params,
              url: urls.authorize,
              transactionId: event.transfer.id,
              responseMode: 'query',
              now: now(),
            }),
          );
        }
        return undefined;
      }
      case 'authorized': {
        keep(s, ...cookies(event.cookies));
        const facts = {
          params: event.params,
          url: urls.authorize,
          transactionId: event.transfer.id,
          responseMode: 'pi.flow' as const,
          http: httpFacts('GET', urls.authorize, calls(s, 'authorize')),
          now: now(),
        };
        if (!event.flow) {
          add(authorizeStep({ ...facts, error: event.error }));
          return undefined;
        }
        add(
          authorizeStep({
            ...facts,
            flow: event.flow,
            cookieNames: Object.keys(event.cookies ?? {}),
          }),
        );
        if (event.flow.status !== FLOW_STATUS.otpRequired) return undefined;
        const masked = maskPhone(phoneOf(event.flow) ?? options.phoneHint);
        const sms = (text: Awaited<ReturnType<SmsReader>>) =>
          add(
            smsStep({
              mode: options.mode,
              ...(masked ? { maskedPhone: masked } : {}),
              ...text,
              now: now(),
            }),
          );
        if (options.mode !== 'embedded') return void sms({ measure: smsPreview(event.transfer) });
        return readSms(event.transfer).then(sms);
      }
      case 'code-checked': {
        keep(s, event.otp, ...cookies(event.sent), ...cookies(event.cookies));
        add(codeSubmitStep(event.otp.length, now()));
        const url = urls.flow(event.flowId);
        const facts = {
          flowId: event.flowId,
          url,
          codeLength: event.otp.length,
          cookieNames: Object.keys(event.sent),
          transactionId: event.transactionId,
          bearer: options.flowsBearer ?? false,
          http: httpFacts('POST', url, calls(s, 'otp.check')),
          now: now(),
        };
        if (event.flow) {
          keep(s, event.flow.authorizeResponse?.code);
          const next = event.cookies ?? {};
          const rotated = Object.keys(next).filter((name) => next[name] !== event.sent[name]);
          add(otpCheckStep({ ...facts, flow: event.flow, rotatedCookies: rotated }));
          return undefined;
        }
        const info = isPingOneError(event.error) ? wrongCodeInfo(event.error) : undefined;
        const left = info?.attemptsLeft;
        add(
          otpCheckStep({
            ...facts,
            error: event.error,
            ...(left !== undefined && { attemptsLeft: left }),
          }),
        );
        return undefined;
      }
      case 'resumed': {
        keep(s, ...cookies(event.sent), ...cookies(event.cookies), event.response?.code);
        const facts = {
          flowId: event.flowId,
          url: urls.resume,
          cookieNames: Object.keys(event.sent),
          http: httpFacts('GET', urls.resume, calls(s, 'resume')),
          now: now(),
        };
        add(
          resumeStep(
            event.response
              ? { ...facts, response: event.response }
              : { ...facts, error: event.error },
          ),
        );
        return undefined;
      }
      case 'callback': {
        keep(s, event.response.code);
        add(callbackStep({ ...event.response }, now()));
        return undefined;
      }
      case 'token': {
        keep(s, event.code, event.codeVerifier);
        const answer = event.answer;
        for (const name of ['access_token', 'id_token', 'refresh_token']) {
          const value = answer?.body[name];
          if (typeof value === 'string') keep(s, value);
        }
        const response = answer && summarizeTokenResponse(answer.status, answer.body);
        if (response?.idToken) s.idToken = response.idToken;
        const sideCalls = s.reports
          .filter((r) => SIDE_CALLS.has(r.step))
          .map((r) => ({
            method: r.method,
            url: r.url,
            durationMs: r.durationMs,
            ...(r.status !== undefined && { status: r.status }),
          }));
        add(
          tokenStep({
            url: urls.token,
            clientId: options.clientId,
            redirectUri: event.redirectUri,
            sideCalls,
            http: httpFacts('POST', urls.token, calls(s, 'token')),
            ...(response && { response }),
            ...(event.error !== undefined && { error: event.error }),
            now: now(),
          }),
        );
        return undefined;
      }
    }
  };
}
