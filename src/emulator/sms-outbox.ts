/** A "sent" SMS; the control surface shows them instead of texting anyone. */
export interface SmsMessage {
  to: string;
  text: string;
  otp: string;
  sentAt: string;
}

export interface SmsOutbox {
  send(message: SmsMessage): void;
  /** Newest first; `to` filters on the exact number. */
  list(to?: string): SmsMessage[];
}

/** Keeps the last `max` messages so a long-running demo does not grow without bound. */
export function createSmsOutbox(max = 500): SmsOutbox {
  const messages: SmsMessage[] = [];
  return {
    send(message) {
      messages.unshift(message);
      if (messages.length > max) messages.length = max;
    },
    list(to) {
      return (to === undefined ? messages : messages.filter((m) => m.to === to)).map((m) => ({
        ...m,
      }));
    },
  };
}
