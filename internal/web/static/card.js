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

  // Checks before sending, as the server checks after: the same rules in
  // the same order, with the same texts (the form's data-messages). The
  // server still checks everything; this only saves the payer a round trip.
  var form = document.getElementById('card-details');
  var messages = JSON.parse(form.getAttribute('data-messages') || '{}');
  var accepted = {};
  for (var b = 0; b < brands.length; b++) { accepted[brands[b].getAttribute('data-brand')] = true; }

  function value(id) {
    var el = document.getElementById(id);
    return el ? el.value.replace(/^\s+|\s+$/g, '') : null;
  }
  function digitCount(v) { return v.replace(/\D/g, '').length; }
  function luhn(digits) {
    var sum = 0;
    for (var i = 0; i < digits.length; i++) {
      var d = +digits.charAt(digits.length - 1 - i);
      if (i % 2 === 1) { d *= 2; if (d > 9) { d -= 9; } }
      sum += d;
    }
    return sum % 10 === 0;
  }
  function checkCardNo(v) {
    if (!/^[0-9 ]+$/.test(v)) { return 'message'; }
    var digits = v.replace(/ /g, '');
    if (digits.length < 12 || digits.length > 19) { return 'numberIncorrectLength'; }
    if (!luhn(digits)) { return 'message'; }
    return accepted[detect(digits)] ? '' : 'cardNotSupported';
  }
  function checkExpiry() {
    var m = value('expiry-month'), y = value('expiry-year');
    if (!/^(0?[1-9]|1[0-2])$/.test(m) || !/^([0-9]{2}|[1-9][0-9]{3})$/.test(y)) { return 'message'; }
    var month = +m, year = +y;
    if (year < 100) { year += 2000; }
    if (year > 2099) { return 'message'; }
    var now = new Date();
    if (year < now.getFullYear() || (year === now.getFullYear() && month < now.getMonth() + 1)) { return 'inThePast'; }
    return '';
  }
  function tooManyDigits(v) { return digitCount(v) > 11; }
  function checkName(v) { return tooManyDigits(v) || /^\s*[0-9]{3,4}\s*$/.test(v) || v.length > 200 ? 'message' : ''; }
  function checkCVC(v) { var n = digitCount(v); return n === 3 || n === 4 ? '' : 'message'; }
  function checkLine(v) { return tooManyDigits(v) || v.length > 100 ? 'message' : ''; }
  var ukPostcode = /^(GIR ?0AA|[A-PR-UWYZ]([0-9]{1,2}|[A-HK-Y][0-9]([0-9ABEHMNPRV-Y])?|[0-9][A-HJKPS-UW]) ?[0-9][ABD-HJLNP-UW-Z]{2})$/i;
  function checkPostcode(v) {
    return (value('address-country') === 'GB' && !ukPostcode.test(v)) || tooManyDigits(v) || v.length > 10 ? 'message' : '';
  }
  // Only what is surely wrong: the server decides about the rest (Notify's
  // rules, international domain names).
  function checkEmail(v) {
    var at = v.lastIndexOf('@');
    if (v.length > 254 || v.indexOf('..') >= 0 || at < 1 || !/^[^\s@]+\.[^\s@.]+$/.test(v.slice(at + 1))) { return 'message'; }
    return /^[a-zA-Z0-9.!#$%&'*+\/=?^_`{|}~-]+$/.test(v.slice(0, at)) ? '' : 'message';
  }

  // fields lists the form's checks in the server's order: required fields,
  // then the optional address line 2.
  function fields() {
    var list = [
      {name: 'cardNo', id: 'card-no', errorId: 'card-no', value: value('card-no'), check: checkCardNo},
      {name: 'expiryMonth', id: 'expiry-month', errorId: 'expiry-date', value: (value('expiry-month') || '') + (value('expiry-year') || ''), check: checkExpiry},
      {name: 'cardholderName', id: 'cardholder-name', value: value('cardholder-name'), check: checkName},
      {name: 'cvc', id: 'cvc', value: value('cvc'), check: checkCVC}
    ];
    var email = document.getElementById('email');
    if (email && (email.getAttribute('data-required') === 'true' || value('email') !== '')) {
      list.push({name: 'email', id: 'email', value: value('email'), check: checkEmail});
    }
    if (document.getElementById('address-line-1')) {
      list.push(
        {name: 'addressLine1', id: 'address-line-1', value: value('address-line-1'), check: checkLine},
        {name: 'addressCity', id: 'address-city', value: value('address-city'), check: checkLine},
        {name: 'addressPostcode', id: 'address-postcode', value: value('address-postcode'), check: checkPostcode},
        {name: 'addressCountry', id: 'address-country', value: value('address-country'), check: function () { return ''; }},
        {name: 'addressLine2', id: 'address-line-2', value: value('address-line-2'), optional: true, check: checkLine});
    }
    return list;
  }

  function problems() {
    var found = [];
    var list = fields();
    for (var i = 0; i < list.length; i++) {
      var f = list[i];
      if (f.value === '' && f.optional) { continue; }
      var reason = f.value === '' ? 'empty' : f.check(f.value);
      if (!reason) { continue; }
      var m = messages[f.name] || {};
      f.summary = m[reason] || m.message;
      f.inline = m.message;
      found.push(f);
    }
    return found;
  }

  function clearErrors() {
    var old = document.querySelectorAll('#card-details .error-message, #error-summary');
    for (var i = 0; i < old.length; i++) { old[i].parentNode.removeChild(old[i]); }
    var marked = document.querySelectorAll('#card-details .form-group--error, #card-details .input--error, #card-details .select--error');
    for (var j = 0; j < marked.length; j++) {
      marked[j].classList.remove('form-group--error', 'input--error', 'select--error');
    }
  }

  function element(tag, attrs, text) {
    var el = document.createElement(tag);
    for (var k in attrs) { if (attrs.hasOwnProperty(k)) { el.setAttribute(k, attrs[k]); } }
    if (text) { el.appendChild(document.createTextNode(text)); }
    return el;
  }

  function showErrors(found) {
    var top = messages[''] || {};
    var box = element('div', {'class': 'error-summary', id: 'error-summary', role: 'alert', 'aria-labelledby': 'error-summary-title', tabindex: '-1'});
    box.appendChild(element('h2', {id: 'error-summary-title'}, top.summary));
    var ul = box.appendChild(element('ul', {}));
    for (var i = 0; i < found.length; i++) {
      var f = found[i], errorId = 'error-' + (f.errorId || f.id);
      ul.appendChild(element('li', {})).appendChild(element('a', {href: '#' + f.id, id: f.id + '-error'}, f.summary));
      var el = document.getElementById(f.id);
      var group = el.closest('.form-group');
      group.classList.add('form-group--error');
      var inline = element('p', {'class': 'error-message', id: errorId});
      inline.appendChild(element('span', {'class': 'visually-hidden'}, top.error));
      inline.appendChild(document.createTextNode(' ' + f.inline));
      var before = el.closest('.date-input') || el;
      before.parentNode.insertBefore(inline, before);
      var inputs = f.name === 'expiryMonth' ? group.querySelectorAll('input') : [el];
      for (var j = 0; j < inputs.length; j++) { inputs[j].classList.add(el.tagName === 'SELECT' ? 'select--error' : 'input--error'); }
      var target = f.name === 'expiryMonth' ? el.closest('fieldset') : el;
      var described = (target.getAttribute('aria-describedby') || '').split(' ').filter(function (d) { return d && d.indexOf('error-') !== 0; });
      described.push(errorId);
      target.setAttribute('aria-describedby', described.join(' '));
    }
    var content = document.querySelector('.charge-new__content');
    content.insertBefore(box, content.firstChild);
    if (document.title.indexOf(top.error + ' ') !== 0) { document.title = top.error + ' ' + document.title; }
    box.focus();
  }

  form.addEventListener('submit', function (event) {
    var found = problems();
    clearErrors();
    if (found.length) {
      event.preventDefault();
      showErrors(found);
    }
  });
})();
