// Progressive enhancement for the admin site: every page works without it.
// It moves focus to an error summary or the API Explorer's answer, and
// makes copy buttons copy.
(function () {
  'use strict';
  var summary = document.querySelector('.error-summary');
  if (summary && document.activeElement !== summary) { summary.focus(); }
  // The API Explorer's answer is far below the form: the form is sent to
  // #response, which the browser scrolls to; focus follows it.
  var response = !summary && window.location.hash === '#response' && document.getElementById('response');
  if (response) { response.focus(); }

  var status = document.getElementById('copy-status');
  var buttons = document.querySelectorAll('[data-copy-target]');
  for (var i = 0; i < buttons.length; i++) {
    if (!navigator.clipboard) { break; }
    buttons[i].hidden = false;
    buttons[i].addEventListener('click', function (event) {
      var button = event.currentTarget;
      var target = document.getElementById(button.getAttribute('data-copy-target'));
      navigator.clipboard.writeText(target.textContent.trim()).then(function () {
        // The button itself says it worked, for a few seconds, as GOV.UK
        // Pay's does; the live region says so to screen readers.
        var label = button.getAttribute('data-label') || button.textContent;
        button.setAttribute('data-label', label);
        button.textContent = button.getAttribute('data-copied');
        if (status) { status.textContent = button.getAttribute('data-copied'); }
        window.clearTimeout(button.copyTimer);
        button.copyTimer = window.setTimeout(function () { button.textContent = label; }, 5000);
      });
    });
  }
})();
