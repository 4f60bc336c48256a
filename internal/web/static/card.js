// Progressive enhancement for the card form: the form works without this.
// It moves focus to the error summary, and shows which card brand the
// number looks like as the payer types.
(function () {
  'use strict';
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
