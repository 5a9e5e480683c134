// The results page's filters: a sidebar that starts open on wide screens; on phones they stay
// folded under their summary line until opened (or while some are chosen). A file, not an
// inline script: the Content-Security-Policy allows scripts from 'self' only.
(function () {
  "use strict";
  if (!window.matchMedia("(min-width: 56rem)").matches) return;
  document.querySelectorAll("details[data-open-when-wide]").forEach(function (details) {
    details.open = true;
  });
})();
