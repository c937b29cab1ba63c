// The approve page's SMS preview, kept current while the person types. The server measures
// (GET /approvals/sms-preview runs the form's own rules and the SMS counter): this script only
// asks and shows, so the page and the server cannot disagree. Without it the page shows the
// preview it was rendered with.
const box = document.getElementById('sms-preview');
const form = box && box.closest('form');
const text = document.getElementById('sms-preview-text');
const facts = document.getElementById('sms-preview-facts');

if (box && form && text && facts) {
  let timer;
  let pending;
  const value = (name) => {
    const field = form.elements.namedItem(name);
    return field && 'value' in field ? field.value : '';
  };
  const update = async () => {
    if (pending) pending.abort();
    const controller = new window.AbortController();
    pending = controller;
    // A slow answer gives up rather than overwrite a newer one later.
    const deadline = window.setTimeout(() => controller.abort(), 3000);
    const query = new window.URLSearchParams({
      amount: value('amount'),
      currency: value('currency'),
      payee: value('payee'),
    });
    try {
      const res = await window.fetch(`${box.dataset.url}?${query}`, {
        headers: { accept: 'application/json' },
        signal: controller.signal,
      });
      const body = await res.json();
      if (res.ok && body.sms) {
        text.textContent = body.sms.text;
        facts.textContent = body.sms.summary;
      } else {
        const fields = (body.error && body.error.fields) || {};
        text.textContent = 'This transfer cannot be sent as it is:';
        facts.textContent =
          fields.payee || Object.values(fields)[0] || (body.error && body.error.message) || '';
      }
    } catch {
      // Aborted by a newer keystroke or the deadline, or offline: the last preview stays.
    } finally {
      window.clearTimeout(deadline);
    }
  };
  form.addEventListener('input', () => {
    window.clearTimeout(timer);
    timer = window.setTimeout(update, 250);
  });
}
