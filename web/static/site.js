// Small conveniences of every page; each page works without them.
(function () {
  'use strict';

  // A table wider than its box scrolls sideways: the box becomes a named
  // region that the keyboard can reach and scroll (the arrow keys work
  // once it has the focus).
  function scrollable() {
    document.querySelectorAll('.table-scroll').forEach(function (box) {
      if (box.scrollWidth > box.clientWidth + 1) {
        box.tabIndex = 0;
        box.setAttribute('role', 'region');
        var cap = box.querySelector('caption');
        if (cap && !box.hasAttribute('aria-label')) {
          box.setAttribute('aria-label', cap.textContent.trim());
        }
      } else if (box.getAttribute('role') === 'region') {
        box.removeAttribute('tabindex');
        box.removeAttribute('role');
      }
    });
  }

  // A link to a place inside a closed <details> opens it first.
  function reveal() {
    if (!location.hash) {
      return;
    }
    var el = document.getElementById(decodeURIComponent(location.hash.slice(1)));
    for (var d = el && el.closest('details'); d; d = d.parentElement && d.parentElement.closest('details')) {
      d.open = true;
    }
    if (el) {
      el.scrollIntoView();
    }
  }

  // A print button prints the page (the sheet of first passwords).
  function printing() {
    document.querySelectorAll('[data-print]').forEach(function (b) {
      b.addEventListener('click', function () { window.print(); });
    });
  }

  function init() {
    printing();
    scrollable();
    reveal();
    window.addEventListener('resize', scrollable);
    window.addEventListener('hashchange', reveal);
    document.addEventListener('toggle', scrollable, true);
  }

  if (document.readyState === 'loading') {
    document.addEventListener('DOMContentLoaded', init);
  } else {
    init();
  }
})();
