/**
 * Why a person was sent back to the start. Only these codes are accepted from the query string;
 * the text is ours, so nothing from the URL is ever rendered.
 */
export const NOTICES = {
  'session-expired':
    'Your session expired (or this browser sent a form from an old session), so nothing was approved. Start again below.',
  'no-approval':
    'There is no approval in progress in this browser. It may have finished in another tab, or the page was sent twice. Nothing was approved twice.',
  interrupted:
    'The app stopped while it was completing your approval, before anything was recorded, so this transfer was not approved. Its details are filled in below: approve it again with one click.',
  'interrupted-accepted':
    'PingOne accepted your code, but the app stopped before it could record the approval, so this transfer was not approved. Its details are filled in below: approve it again with one click.',
  replayed:
    'That answer from PingOne was already used or does not belong to this browser, so it was ignored. Nothing was approved by it.',
} as const;

export type NoticeCode = keyof typeof NOTICES;

export function noticeText(code: unknown): string | undefined {
  return typeof code === 'string' && Object.hasOwn(NOTICES, code)
    ? NOTICES[code as NoticeCode]
    : undefined;
}

export function startOver(code: NoticeCode): string {
  return `/?notice=${code}`;
}
