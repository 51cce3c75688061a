// Draws every chart of the page from its JSON data block. Each chart is a
// <div data-chart="ID"> whose options sit in <script type="application/json"
// id="ID">, which the browser never executes, so the page needs no inline
// script under the Content-Security-Policy. ECharts is vendored
// (static/vendor/) and loaded before this file.
(function () {
  'use strict';

  // narrow is the width under which a chart is laid out for a phone.
  var narrow = 600;

  // legendLine is the height of a line of legend entries (14 px markers,
  // 10 px apart).
  var legendLine = 24;

  // legendNames are the entries of a legend: its data, else the series'
  // names (a pie's: its slices').
  function legendNames(o, lg) {
    if (lg.data && lg.data.length) {
      return lg.data.map(function (d) { return d && d.name !== undefined ? d.name : d; });
    }
    var names = [];
    each(o.series, function (s) {
      if (s.type === 'pie') {
        each(s.data, function (d) { names.push(d.name); });
      } else if (s.name) {
        names.push(s.name);
      }
    });
    return names;
  }

  // legendLines is how many lines ECharts lays a plain legend's entries on
  // within width: each is a 25 px marker, 5 px, its name (12 px
  // sans-serif), 10 px between entries.
  var measure = null;
  function legendLines(names, width) {
    if (!measure) {
      measure = document.createElement('canvas').getContext('2d');
      measure.font = '12px sans-serif';
    }
    var lines = 1, x = 0;
    names.forEach(function (n) {
      var item = 30 + measure.measureText(String(n)).width;
      if (x > 0 && x + 10 + item > width) {
        lines++;
        x = item;
      } else {
        x += (x > 0 ? 10 : 0) + item;
      }
    });
    return lines;
  }

  // wrapWords makes a label formatter that breaks a text between words
  // into lines of about n characters.
  function wrapWords(n) {
    return function (text) {
      var lines = [];
      String(text).split(' ').forEach(function (word) {
        var last = lines.length - 1;
        if (last >= 0 && (lines[last] + ' ' + word).length <= n) {
          lines[last] += ' ' + word;
        } else {
          lines.push(word);
        }
      });
      return lines.join('\n');
    };
  }

  function each(v, f) {
    [].concat(v || []).forEach(function (x) {
      if (x) {
        f(x);
      }
    });
  }

  // fit adapts the options to the chart's width: on a phone the title
  // wraps instead of being cut, a category axis's long labels are cut with
  // "…" so that the bars keep their room, a horizontal axis's name goes
  // under it (under the turned labels of a category axis), a legend under
  // the chart wraps onto lines, a radar's field names wrap beside it.
  // Everywhere, a legend with one entry for bars of several colours (each
  // bar coloured by its grade) says nothing the axis does not, and would
  // show one swatch for many colours: it is hidden.
  function fit(el, o) {
    var w = el.clientWidth || 600;
    var series = [].concat(o.series || []);
    if (series.length === 1 && (series[0].data || []).some(function (d) {
      return d && d.itemStyle && d.itemStyle.color;
    })) {
      each(o.legend, function (lg) { lg.show = false; });
    }
    // A value axis's name at the end of a horizontal axis runs off the
    // chart's right edge: it goes under the axis, centred.
    each(o.xAxis, function (ax) {
      if (ax.type === 'value' && ax.name) {
        ax.nameLocation = 'middle';
        ax.nameGap = 26;
      }
    });
    if (w >= narrow) {
      return;
    }
    var titled = false;
    each(o.title, function (t) {
      t.textStyle = Object.assign({}, t.textStyle || {}, { width: w - 24, overflow: 'break', fontSize: 13 });
      titled = true;
    });
    var below = 0; // more room under the grid, for a legend's extra lines
    each(o.legend, function (lg) {
      if (lg.bottom === undefined) {
        lg.top = 48;
        lg.type = 'scroll';
        return;
      }
      // A legend under the chart wraps onto as many lines as it needs,
      // the grid raised by as many: scrolled, it showed one entry of two
      // and a pager ("1/2").
      var lines = legendLines(legendNames(o, lg), w - 24);
      lg.type = 'plain';
      lg.width = w - 24;
      below = Math.max(below, (lines - 1) * legendLine);
    });
    each(o.radar, function (r) {
      // The fields' names wrap, word by word, in the room beside a smaller
      // radar instead of running off the screen's edge.
      r.radius = w < 420 ? '48%' : '58%';
      r.axisName = Object.assign({}, r.axisName || {}, { fontSize: 11, formatter: wrapWords(14) });
    });
    each(o.grid, function (g) {
      g.left = 4;
      g.right = 12;
      if (below > 0) {
        g.bottom = (parseInt(g.bottom, 10) || 60) + below;
      }
      if (titled) {
        g.top = 80;
      }
    });
    ['xAxis', 'yAxis'].forEach(function (k) {
      each(o[k], function (ax) {
        if (ax.type === 'category' || (ax.type === undefined && ax.data)) {
          var lab = Object.assign({}, ax.axisLabel || {}, { overflow: 'truncate', hideOverlap: false });
          if (k === 'yAxis') {
            lab.width = Math.round(w * 0.38);
          } else {
            lab.width = 64;
            lab.rotate = 40;
            lab.interval = 0;
            if (ax.name) {
              // Under the turned labels: as far down as the longest one
              // reaches (about 6.5 px a character, cut at the width).
              var longest = 0;
              each(ax.data, function (d) {
                var text = String(d && d.value !== undefined ? d.value : d);
                longest = Math.max(longest, text.length);
              });
              var reach = Math.min(longest * 6.5, lab.width);
              ax.nameLocation = 'middle';
              ax.nameGap = Math.round(reach * Math.sin(Math.PI * 40 / 180) + 12 * Math.cos(Math.PI * 40 / 180)) + 14;
            }
          }
          ax.axisLabel = lab;
        } else if (ax.name && k === 'xAxis') {
          ax.nameLocation = 'middle';
          ax.nameGap = 26;
        } else if (ax.name) {
          // A vertical value axis keeps its name at its end, written from
          // the axis rightwards: turned beside the axis, the grid's narrow
          // margin put it under the tick labels, and centred on the axis
          // it ran off the chart's left edge.
          ax.nameTextStyle = Object.assign({}, ax.nameTextStyle || {}, { align: 'left' });
        }
      });
    });
  }

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
    each(options.legend, function (lg) {
      if (lg.top === undefined && lg.bottom === undefined) {
        lg.top = 26;
      }
    });
    fit(el, options);
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
