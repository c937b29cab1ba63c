import type { AsyncLocalStorage } from 'node:async_hooks';
import type { ApprovalEvent, ApprovalStep } from '../approval/approval-events.js';
import { smsPreview } from '../approval/sms-text.js';
import { WORKFLOW_STEPS } from '../pingone/workflow-steps.js';
import { callbackStep, codeSubmitStep, otpCheckStep, resumeStep } from './code-steps.js';
import type { InspectorOptions, RequestScope } from './request-scope.js';
import { authorizeStep, smsStep, startStep } from './start-steps.js';
import { httpFacts, type Facts, type StepDraft } from './step-parts.js';
import { checksStep, describeChecks, resultStep, tokenStep } from './token-steps.js';
import { appendStep, newTrace } from './trace.js';

const SIDE_CALLS = new Set(['discovery', 'jwks', 'userinfo']);

// A PingOne step's row is drawn once its answer is known, with the HTTP facts of its calls.
export function approvalSteps(
  scope: AsyncLocalStorage<RequestScope>,
  options: Pick<InspectorOptions, 'mode' | 'ui' | 'flowsBearer'>,
): (event: ApprovalEvent) => void {
  const record = (s: RequestScope, draft: StepDraft) => {
    const trace = s.session().trace;
    if (trace) appendStep(trace, draft);
  };

  const draw = (s: RequestScope, step: ApprovalStep, answer: AnswerOf) => {
    if (s.drawn.has(step)) return;
    s.drawn.add(step);
    // The step's own call carries its name; step 19's side calls (jwks…) do not.
    const http = httpFacts(s.calls.filter((c) => c.step === WORKFLOW_STEPS[step].name));
    if (step === 16 && s.started) {
      record(s, authorizeStep({ started: s.started, ...answer, http, now: new Date() }));
    } else if (step === 17) {
      record(s, codeSubmitStep(new Date()));
      const bearer = options.flowsBearer ?? false;
      record(s, otpCheckStep({ ...answer, bearer, http, now: new Date() }));
    } else if (step === 18 && answer.call === 'callback') {
      record(s, callbackStep(s.resumed, answer.failure?.code, new Date()));
    } else if (step === 18) {
      record(s, resumeStep(s.resumed, answer.failure, http, new Date()));
    } else if (step === 19) {
      const sideCalls = s.calls.filter((c) => SIDE_CALLS.has(c.step));
      record(s, tokenStep({ ...answer, http, sideCalls, now: new Date() }));
    }
  };

  return (event) => {
    const s = scope.getStore();
    if (!s) return;
    switch (event.kind) {
      case 'started': {
        s.started = event;
        const session = s.session();
        const resend = session.trace?.transferId === event.transferId;
        if (!resend) {
          const { amount, currency, payee } = event.transfer;
          session.trace = {
            ...newTrace(event.transferId, options.mode, options.ui, new Date()),
            transfer: { amount, currency, payee },
          };
        }
        record(s, startStep(event.transfer, resend, new Date()));
        if (event.responseMode === 'query') {
          s.drawn.add(16);
          record(s, authorizeStep({ started: event, now: new Date() }));
        }
        return;
      }
      case 'sms-sent': {
        draw(s, 16, { answer: event });
        const { maskedPhone } = event;
        const trace = s.session().trace;
        if (options.mode === 'embedded') {
          // Its text is read from the emulator's outbox when the step is shown.
          const step = smsStep({
            mode: 'embedded',
            unreadable: 'not read yet',
            at: new Date().toISOString(),
          });
          record(s, { ...step, outbox: maskedPhone ? { maskedPhone } : {} });
        } else if (trace?.transfer) {
          const measure = smsPreview(trace.transfer);
          const at = new Date().toISOString();
          record(s, smsStep({ mode: 'pingone', measure, at, ...(maskedPhone && { maskedPhone }) }));
        }
        return;
      }
      case 'code-wrong':
        return draw(s, 17, {
          flowStatus: event.pingone ? undefined : 'OTP_REQUIRED',
          failure: event.pingone,
          attemptsLeft: event.attemptsLeft,
        });
      case 'code-accepted':
        return draw(s, 17, { flowStatus: 'COMPLETED', carriesResponse: event.carriesResponse });
      case 'resumed':
        s.resumed = event;
        if (event.via !== 'flow') draw(s, 18, { call: event.via });
        return;
      case 'token-checked': {
        if (event.failedCheck !== 'state') draw(s, 19, { checked: event });
        const { checks, verdict, ok } = describeChecks(event, {
          transferHash: s.started?.transfer.hash,
          stateEchoed: s.resumed?.stateEchoed ?? false,
        });
        record(s, checksStep(checks, verdict, ok, new Date()));
        return;
      }
      case 'recorded': {
        const trace = s.session().trace;
        if (trace && event.approvalId) trace.approvalId = event.approvalId;
        return;
      }
      case 'pingone-failed':
        return draw(s, event.step, { failure: event.pingone, call: event.call });
      case 'settled': {
        if (event.step && event.flowStatus) draw(s, event.step, { flowStatus: event.flowStatus });
        const trace = s.session().trace;
        if (!trace || trace.transferId !== event.transferId) return;
        trace.outcome = event.outcome;
        record(s, resultStep(event, s.line, trace.approvalId, new Date()));
        return;
      }
    }
  };
}

type AnswerOf = Omit<Facts, 'http' | 'now'>;
