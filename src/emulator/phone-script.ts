import { SMS_STATUS_TEXT } from './sms-outbox.js';

/** Where the phone page's script is served (a file: the page's CSP allows no inline script). */
export const PHONE_SCRIPT_PATH = '/__emulator/assets/phone.js';

/**
 * A live inbox instead of a meta refresh (WCAG 2.2.1, 3.2.5): new messages are added to an
 * `aria-live` list, ages follow the emulator's clock, and a button pauses it all (WCAG 2.2.2).
 */
export const PHONE_SCRIPT = `'use strict';
(function () {
  var inbox = document.getElementById('inbox');
  var toggle = document.getElementById('live-toggle');
  var blank = document.getElementById('sms-item');
  if (!inbox || !toggle || !blank) return;
  var TEXT = ${JSON.stringify(SMS_STATUS_TEXT)};
  var source = inbox.getAttribute('data-source');
  var skew = Number(inbox.getAttribute('data-now')) - Date.now() || 0;
  var words = new Intl.RelativeTimeFormat('en', { numeric: 'auto' });
  var UNITS = [['day', 86400], ['hour', 3600], ['minute', 60]];
  var live = true;
  toggle.hidden = false;
  toggle.addEventListener('click', function () {
    live = !live;
    toggle.textContent = live ? 'Pause auto-update' : 'Resume auto-update';
    if (live) refreshAges();
  });
  function keyOf(m) {
    return m.sentAt + '|' + m.to;
  }
  function ago(iso) {
    var seconds = (Date.now() + skew - Date.parse(iso)) / 1000;
    for (var i = 0; i < UNITS.length; i++) {
      if (seconds >= UNITS[i][1]) return words.format(-Math.floor(seconds / UNITS[i][1]), UNITS[i][0]);
    }
    return 'just now';
  }
  function refreshAges() {
    inbox.querySelectorAll('.sms').forEach(function (li) {
      var text = ' · ' + ago(li.querySelector('time').getAttribute('datetime'));
      var age = li.querySelector('.ago');
      if (age.textContent !== text) age.textContent = text;
    });
  }
  function mark(li, status) {
    if (li.getAttribute('data-status') === status) return;
    li.setAttribute('data-status', status);
    li.querySelector('.status').textContent = TEXT[status] || status;
    if (status === 'current') li.setAttribute('aria-current', 'true');
    else li.removeAttribute('aria-current');
  }
  function item(m) {
    var li = blank.content.firstElementChild.cloneNode(true);
    li.setAttribute('data-key', keyOf(m));
    li.querySelector('.to').textContent = m.to;
    var time = li.querySelector('time');
    time.setAttribute('datetime', m.sentAt);
    time.textContent = m.sentAt.slice(11, 19) + ' UTC';
    li.querySelector('.text').textContent = m.text;
    li.removeAttribute('data-status');
    mark(li, m.status);
    return li;
  }
  function show(list) {
    var shown = {};
    inbox.querySelectorAll('.sms').forEach(function (li) {
      shown[li.getAttribute('data-key')] = li;
    });
    var fresh = [];
    list.forEach(function (m) {
      if (shown[keyOf(m)]) mark(shown[keyOf(m)], m.status);
      else fresh.push(m);
    });
    if (fresh.length > 0) {
      var empty = inbox.querySelector('.empty');
      if (empty) empty.remove();
      for (var i = fresh.length - 1; i >= 0; i--) inbox.insertBefore(item(fresh[i]), inbox.firstChild);
    }
    refreshAges();
  }
  function poll() {
    if (!live) return void setTimeout(poll, 2000);
    var request = { headers: { accept: 'application/json' }, cache: 'no-store' };
    // A stalled answer must not stop the polling: the next one is due after this deadline.
    if (window.AbortSignal && AbortSignal.timeout) request.signal = AbortSignal.timeout(10000);
    fetch(source, request)
      .then(function (res) {
        return res.ok ? res.json() : [];
      })
      .then(show)
      .catch(function () {})
      .then(function () {
        setTimeout(poll, 2000);
      });
  }
  refreshAges();
  setTimeout(poll, 2000);
})();
`;
