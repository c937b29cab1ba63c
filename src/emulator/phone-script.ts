/** Where the phone page's script is served (a file: the page's CSP allows no inline script). */
export const PHONE_SCRIPT_PATH = '/__emulator/assets/phone.js';

/**
 * The phone page's live inbox, instead of a meta refresh (WCAG 2.2.1 and 3.2.5: a page that
 * reloads itself every 2 s takes a screen reader's place and focus away). It polls the outbox
 * JSON and adds only the new messages at the top of the list, which is `aria-live`, so each SMS
 * is announced once; the "Pause auto-update" button stops it (WCAG 2.2.2). Without script the
 * page's "Check for new messages" link does the same by hand.
 */
export const PHONE_SCRIPT = `'use strict';
(function () {
  var inbox = document.getElementById('inbox');
  var toggle = document.getElementById('live-toggle');
  if (!inbox || !toggle) return;
  var source = inbox.getAttribute('data-source');
  var live = true;
  toggle.hidden = false;
  toggle.addEventListener('click', function () {
    live = !live;
    toggle.textContent = live ? 'Pause auto-update' : 'Resume auto-update';
  });
  function keyOf(m) {
    return m.sentAt + '|' + m.to;
  }
  function item(m) {
    var li = document.createElement('li');
    li.className = 'sms';
    li.setAttribute('data-key', keyOf(m));
    var meta = document.createElement('span');
    meta.className = 'meta';
    meta.textContent = 'To ' + m.to + ' · ' + m.sentAt;
    var text = document.createElement('span');
    text.className = 'text';
    text.textContent = m.text;
    li.appendChild(meta);
    li.appendChild(text);
    return li;
  }
  function show(list) {
    var seen = {};
    inbox.querySelectorAll('[data-key]').forEach(function (li) {
      seen[li.getAttribute('data-key')] = true;
    });
    var fresh = list.filter(function (m) {
      return !seen[keyOf(m)];
    });
    if (fresh.length === 0) return;
    var empty = inbox.querySelector('.empty');
    if (empty) empty.remove();
    for (var i = fresh.length - 1; i >= 0; i--) inbox.insertBefore(item(fresh[i]), inbox.firstChild);
  }
  function poll() {
    if (!live) return void setTimeout(poll, 2000);
    fetch(source, { headers: { accept: 'application/json' }, cache: 'no-store' })
      .then(function (res) {
        return res.ok ? res.json() : [];
      })
      .then(show)
      .catch(function () {})
      .then(function () {
        setTimeout(poll, 2000);
      });
  }
  setTimeout(poll, 2000);
})();
`;
