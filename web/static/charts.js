// Draws every chart of the page from its JSON data block. Each chart is a
// <div data-chart="ID"> whose options sit in <script type="application/json"
// id="ID">, which the browser never executes, so the page needs no inline
// script under the Content-Security-Policy. ECharts is vendored
// (static/vendor/) and loaded before this file.
(function () {
  'use strict';

  function draw(el) {
    var src = document.getElementById(el.getAttribute('data-chart'));
    if (!src) {
      return;
    }
    var options = JSON.parse(src.textContent);
    var rows = parseInt(el.getAttribute('data-rows') || '0', 10);
    if (rows > 12) {
      // One row per unit: give every row room (style set through the DOM,
      // which the policy allows, not through an inline style attribute).
      el.style.height = Math.min(rows * 20 + 120, 4200) + 'px';
    }
    // Tooltips drawn on the canvas need no HTML with inline styles.
    options.tooltip = Object.assign({}, options.tooltip || {}, { renderMode: 'richText' });
    options.animation = false;
    // A legend with no position of its own would sit on top of the title:
    // put it under the title instead.
    [].concat(options.legend || []).forEach(function (lg) {
      if (lg && lg.top === undefined && lg.bottom === undefined) {
        lg.top = 26;
      }
    });
    var chart = echarts.init(el, null, { renderer: 'canvas' });
    chart.setOption(options);
    el.setAttribute('data-rendered', 'true');
    window.addEventListener('resize', function () { chart.resize(); });
  }

  function init() {
    if (typeof echarts === 'undefined') {
      return;
    }
    var nodes = document.querySelectorAll('[data-chart]');
    for (var i = 0; i < nodes.length; i++) {
      draw(nodes[i]);
    }
  }

  if (document.readyState === 'loading') {
    document.addEventListener('DOMContentLoaded', init);
  } else {
    init();
  }
})();
