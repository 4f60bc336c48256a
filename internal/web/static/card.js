// Progressive enhancement for the card pages: they work without this. It
// keeps the history to pages (never a form to post again), moves focus to
// the error summary, and shows which card brand the number looks like as
// the payer types.
(function () {
  'use strict';
  // A page restored from the browser's back/forward cache would offer a
  // form the payment has moved past (Confirm payment, after paying): ask
  // the server for the page instead, which shows where the payment stands.
  window.addEventListener('pageshow', function (event) {
    if (event.persisted) { window.location.reload(); }
  });
  // A page that answers a refused form is a POST's answer: make its history
  // entry a plain page, so Back to it never asks to send the form again.
  if (document.getElementById('error-summary') && window.history.replaceState) {
    window.history.replaceState(null, '', window.location.href);
  }
  var summary = document.querySelector('.error-summary');
  if (summary && document.activeElement !== summary) { summary.focus(); }

  var input = document.getElementById('card-no');
  var brands = document.querySelectorAll('[data-brand]');
  if (!input || !brands.length) { return; }
  var prefixes = [
    ['visa', /^4/], ['master-card', /^(5[1-5]|222[1-9]|22[3-9]|2[3-6]|27[01]|2720)/],
    ['american-express', /^3[47]/], ['diners-club', /^(30[0-5]|36|3[89])/],
    ['discover', /^(6011|64[4-9]|65)/], ['jcb', /^(2131|1800|35)/], ['unionpay', /^62/],
    ['maestro', /^(5[06-9]|6[37])/]
  ];
  function detect(digits) {
    for (var i = 0; i < prefixes.length; i++) {
      if (prefixes[i][1].test(digits)) { return prefixes[i][0]; }
    }
    return '';
  }
  input.addEventListener('input', function () {
    var brand = detect(input.value.replace(/\D/g, ''));
    for (var i = 0; i < brands.length; i++) {
      brands[i].classList.toggle('card-brand--detected', brands[i].getAttribute('data-brand') === brand);
    }
  });
})();
