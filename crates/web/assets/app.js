// Baladiya's only page-wide script; every page works without it.
// A form that came back with errors: focus moves to the summary, which
// lists every wrong field with a link to it (screen readers read it out).
document.addEventListener('DOMContentLoaded', () => {
  const summary = document.querySelector('.error-summary');
  if (summary) summary.focus();
  // A form is sent once: a second click while it is on its way does
  // nothing (the server would answer it with the first result anyway).
  for (const form of document.querySelectorAll('form[method="post"]')) {
    form.addEventListener('submit', (event) => {
      if (form.dataset.sending) {
        event.preventDefault();
        return;
      }
      form.dataset.sending = '1';
      setTimeout(() => delete form.dataset.sending, 10000);
    });
  }
  // A "print" button (receipts): shown only where this script runs.
  for (const button of document.querySelectorAll('button[data-print]')) {
    button.hidden = false;
    button.addEventListener('click', () => window.print());
  }
});
