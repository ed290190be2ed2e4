// charts.js - draws the ECharts charts of a page. Each chart is an element
// with data-chart='{"type":"bar"|"pie","labels":[…],"values":[…],
// "links":[…]?}' written by the server (the CSP allows no inline script,
// so the data travels in the attribute). A bar or slice with a link opens
// the records behind it. The table beside each chart keeps the figures
// for print and for readers without script.
(function () {
  'use strict';
  var red = '#c8161d';
  var palette = [red, '#e6a23c', '#409eff', '#67c23a', '#909399', '#8e5ea2',
    '#f56c6c', '#3cba9f', '#b7950b', '#5d6d7e'];

  function option(s) {
    var tooltip = { renderMode: 'richText', confine: true };
    if (s.type === 'pie') {
      tooltip.trigger = 'item';
      return {
        color: palette, tooltip: tooltip, animation: false,
        series: [{
          type: 'pie', radius: ['35%', '65%'],
          label: { formatter: '{b}\n{c}' },
          data: s.labels.map(function (l, i) { return { name: l, value: s.values[i] }; }),
        }],
      };
    }
    tooltip.trigger = 'axis';
    return {
      color: palette, tooltip: tooltip, animation: false,
      grid: { left: 8, right: 48, top: 8, bottom: 8, containLabel: true },
      xAxis: { type: 'value', minInterval: 1 },
      yAxis: { type: 'category', inverse: true, data: s.labels },
      series: [{
        type: 'bar', data: s.values, barMaxWidth: 22,
        label: { show: true, position: 'right' },
      }],
    };
  }

  function draw(root) {
    if (!window.echarts) return;
    var els = (root || document).querySelectorAll('[data-chart]');
    Array.prototype.forEach.call(els, function (el) {
      if (el.getAttribute('data-drawn')) return;
      var spec;
      try { spec = JSON.parse(el.getAttribute('data-chart')); } catch (e) { return; }
      // A bar chart is as tall as its bars need (CSSOM, which the CSP
      // allows; a style attribute it would not).
      if (spec.type !== 'pie') el.style.height = Math.max(120, 34 * spec.labels.length + 48) + 'px';
      var chart = window.echarts.init(el, null, { renderer: 'canvas' });
      chart.setOption(option(spec));
      el.setAttribute('data-drawn', '1');
      if (spec.links) {
        chart.on('click', function (p) {
          var u = spec.links[p.dataIndex];
          if (u) window.location.href = u;
        });
      }
      window.addEventListener('resize', function () { chart.resize(); });
      window.addEventListener('beforeprint', function () { chart.resize(); });
    });
  }

  document.addEventListener('DOMContentLoaded', function () { draw(); });
  document.addEventListener('htmx:afterSettle', function (e) { draw(e.target); });
})();
