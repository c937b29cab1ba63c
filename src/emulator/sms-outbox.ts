interface SmsMessage {
  to: string;
  text: string;
  otp: string;
  sentAt: string;
}

export type CodeFate = 'waiting' | 'used' | 'expired' | 'locked';

/** So that a presenter never types a stale code: the newest waiting code to a number is `current`. */
export const SMS_STATUS_TEXT = {
  current: 'Current code',
  replaced: 'Replaced by a newer code',
  used: 'Used: code accepted',
  expired: 'Expired',
  locked: 'Locked: too many wrong codes',
} satisfies Record<'current' | 'replaced' | Exclude<CodeFate, 'waiting'>, string>;
type SmsStatus = keyof typeof SMS_STATUS_TEXT;

export interface ListedSms extends SmsMessage {
  status: SmsStatus;
}

export type SmsOutbox = ReturnType<typeof createSmsOutbox>;

/** Keeps the last `max` messages so a long-running demo does not grow without bound. */
export function createSmsOutbox(max = 500) {
  const sent: { message: SmsMessage; fate: () => CodeFate }[] = [];
  return {
    send(message: SmsMessage, fate: () => CodeFate): void {
      sent.unshift({ message, fate });
      if (sent.length > max) sent.length = max;
    },
    list(to?: string): ListedSms[] {
      const numbersSeen = new Set<string>();
      const listed = sent.map(({ message, fate }): ListedSms => {
        const newest = !numbersSeen.has(message.to);
        numbersSeen.add(message.to);
        const known = fate();
        const status = known !== 'waiting' ? known : newest ? 'current' : 'replaced';
        return { ...message, status };
      });
      return to === undefined ? listed : listed.filter((m) => m.to === to);
    },
  };
}
