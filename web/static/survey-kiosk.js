// Kiosk mode of the survey form: after a pause without any input, go back
// to an empty form for the next person. Without JavaScript the page's
// <noscript> refresh does the same after a longer pause.
(function () {
  "use strict";
  var body = document.body;
  var idle = parseInt(body.getAttribute("data-idle"), 10) * 1000;
  var target = body.getAttribute("data-reset");
  if (!idle || !target) {
    return;
  }
  var timer;
  function arm() {
    clearTimeout(timer);
    timer = setTimeout(function () { window.location.replace(target); }, idle);
  }
  ["pointerdown", "keydown", "input", "scroll", "touchstart"].forEach(function (ev) {
    document.addEventListener(ev, arm, { passive: true });
  });
  arm();
}());
