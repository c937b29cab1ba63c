import { escapeHtml, page } from './html.js';
import { PHONE_SCRIPT_PATH } from './phone-script.js';
import { SMS_STATUS_TEXT, type ListedSms } from './sms-outbox.js';

/** Times in UTC; how long ago is the script's, so that it never goes stale. */
export function phonePage(messages: ListedSms[], to: string | undefined, now: number): string {
  const query = to ? `?to=${encodeURIComponent(to)}` : '';
  const items = messages.length
    ? messages.map(smsItem).join('\n')
    : '<li class="empty">No messages yet</li>';
  const body = `<main class="phone"><h1>Messages${to ? ` for ${escapeHtml(to)}` : ''}</h1>
<p class="phone-note">Type the code marked “${SMS_STATUS_TEXT.current}”.</p>
<p class="phone-controls"><a href="/__emulator/phone${escapeHtml(query)}">Check for new messages</a>
<button type="button" id="live-toggle" hidden>Pause auto-update</button></p>
<ul class="inbox" id="inbox" aria-live="polite" aria-relevant="additions" data-source="/__emulator/sms${escapeHtml(query)}" data-now="${now}">
${items}
</ul>
<template id="sms-item">${smsItem()}</template></main>`;
  return page('Phone', body, PHONE_SCRIPT_PATH);
}

/** One message; without one, the empty item the script fills for a message that arrives later. */
function smsItem(m?: ListedSms): string {
  const status = m?.status ?? 'current';
  const current = status === 'current' ? ' aria-current="true"' : '';
  const key = m ? escapeHtml(`${m.sentAt}|${m.to}`) : '';
  const sentAt = m ? escapeHtml(m.sentAt) : '';
  const time = m ? `${m.sentAt.slice(11, 19)} UTC` : '';
  return `<li class="sms" data-key="${key}" data-status="${status}"${current}><span class="status">${SMS_STATUS_TEXT[status]}</span><span class="meta">To <span class="to">${escapeHtml(m?.to ?? '')}</span> <span class="when"><time datetime="${sentAt}">${time}</time><span class="ago"></span></span></span><span class="text">${escapeHtml(m?.text ?? '')}</span></li>`;
}
