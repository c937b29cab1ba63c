import { performance } from 'node:perf_hooks';
import { wrongCodeInfo } from '../approval/outcome.js';
import { maskPhone, phoneOf } from '../approval/phone.js';
import { FLOW_STATUS, type FlowClient } from '../pingone/flow.js';
import { isPingOneError } from '../pingone/http.js';
import type { InspectorOptions } from './inspector-options.js';
import { elapsed, type Recorder } from './recorder.js';
import type { SmsReader } from './sms-outbox.js';
import {
  authorizeStep,
  codeSubmitStep,
  httpFacts,
  otpCheckStep,
  resumeStep,
  smsStep,
} from './steps.js';

/** The flow client, recording each call (authorize, the SMS, otp.check, resume) as a step. */
export function traceFlows(
  rec: Recorder,
  options: Pick<InspectorOptions, 'urls' | 'mode' | 'phoneHint' | 'flowsBearer'>,
  readSms: SmsReader,
): (inner: FlowClient) => FlowClient {
  const { scope, record, keep, begin, reportsSince, now } = rec;
  const { urls } = options;
  return (inner: FlowClient): FlowClient => ({
    async authorize(params, context) {
      const s = scope.getStore();
      if (!s) return inner.authorize(params, context);
      keep(s, params.requestJwt);
      begin(s, context.transactionId);
      const mark = s.reports.length;
      const started = performance.now();
      const facts = {
        params,
        url: urls.authorize,
        transactionId: context.transactionId,
        responseMode: 'pi.flow' as const,
      };
      try {
        const step = await inner.authorize(params, context);
        keep(s, ...Object.values(step.cookies));
        const http = httpFacts(
          'GET',
          urls.authorize,
          reportsSince(s, mark, 'authorize'),
          elapsed(started),
        );
        record(
          s,
          s.session(),
          authorizeStep({
            ...facts,
            http,
            flow: step.flow,
            cookieNames: Object.keys(step.cookies),
            now: now(),
          }),
        );
        if (step.flow.status === FLOW_STATUS.otpRequired) {
          const masked = maskPhone(phoneOf(step.flow) ?? options.phoneHint);
          const sms = options.mode === 'embedded' ? await readSms(s.session().transfer) : {};
          record(
            s,
            s.session(),
            smsStep({
              mode: options.mode,
              ...(masked ? { maskedPhone: masked } : {}),
              ...sms,
              now: now(),
            }),
          );
        }
        return step;
      } catch (error) {
        const http = httpFacts(
          'GET',
          urls.authorize,
          reportsSince(s, mark, 'authorize'),
          elapsed(started),
        );
        record(s, s.session(), authorizeStep({ ...facts, http, error, now: now() }));
        throw error;
      }
    },

    async checkOtp(flowId, otp, context) {
      const s = scope.getStore();
      if (!s) return inner.checkOtp(flowId, otp, context);
      keep(s, otp, ...Object.values(context.cookies));
      record(s, s.session(), codeSubmitStep(otp.length, now()));
      const mark = s.reports.length;
      const started = performance.now();
      const url = urls.flow(flowId);
      const facts = {
        flowId,
        url,
        codeLength: otp.length,
        cookieNames: Object.keys(context.cookies),
        transactionId: context.transactionId,
        bearer: options.flowsBearer ?? false,
      };
      const http = () =>
        httpFacts('POST', url, reportsSince(s, mark, 'otp.check'), elapsed(started));
      try {
        const step = await inner.checkOtp(flowId, otp, context);
        keep(s, ...Object.values(step.cookies), step.flow.authorizeResponse?.code);
        const rotated = Object.keys(step.cookies).filter(
          (name) => step.cookies[name] !== context.cookies[name],
        );
        record(
          s,
          s.session(),
          otpCheckStep({
            ...facts,
            http: http(),
            flow: step.flow,
            rotatedCookies: rotated,
            now: now(),
          }),
        );
        return step;
      } catch (error) {
        const info = isPingOneError(error) ? wrongCodeInfo(error) : undefined;
        record(
          s,
          s.session(),
          otpCheckStep({
            ...facts,
            http: http(),
            error,
            ...(info?.attemptsLeft !== undefined ? { attemptsLeft: info.attemptsLeft } : {}),
            now: now(),
          }),
        );
        throw error;
      }
    },

    async resume(flowId, context) {
      const s = scope.getStore();
      if (!s) return inner.resume(flowId, context);
      keep(s, ...Object.values(context.cookies));
      const mark = s.reports.length;
      const started = performance.now();
      const facts = { flowId, url: urls.resume, cookieNames: Object.keys(context.cookies) };
      const http = () =>
        httpFacts('GET', urls.resume, reportsSince(s, mark, 'resume'), elapsed(started));
      try {
        const answer = await inner.resume(flowId, context);
        keep(s, answer.response.code, ...Object.values(answer.cookies));
        record(
          s,
          s.session(),
          resumeStep({ ...facts, http: http(), response: answer.response, now: now() }),
        );
        return answer;
      } catch (error) {
        record(s, s.session(), resumeStep({ ...facts, http: http(), error, now: now() }));
        throw error;
      }
    },

    authorizeUrl(params) {
      const url = inner.authorizeUrl(params);
      const s = scope.getStore();
      if (s) {
        keep(s, params.requestJwt);
        const transferId = s.session().transfer?.id;
        begin(s, transferId);
        record(
          s,
          s.session(),
          authorizeStep({
            params,
            url: urls.authorize,
            transactionId: transferId ?? '',
            responseMode: 'query',
            now: now(),
          }),
        );
      }
      return url;
    },
  });
}
