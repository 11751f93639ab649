// Polls /admin/api/* every second and redraws; every value goes in with textContent.
(() => {
  'use strict';
  const POLL_MS = 1000;
  const $ = id => document.getElementById(id);

  const absent = v => v === null || v === undefined;
  const num = v => absent(v) ? 'n/a' : Number(v).toLocaleString('en-US');
  const ms = v => absent(v) ? '–' : (v < 10 ? v.toFixed(2) : v.toFixed(0));
  const fixed = (v, digits) => absent(v) ? '–' : v.toFixed(digits);
  // A rate of a window without requests is unknown, not 0 %.
  const pct = v => absent(v) ? '–' : (v * 100).toFixed(2) + ' %';
  const time = iso => new Date(iso).toLocaleTimeString('en-GB');

  function setText(id, text) { $(id).textContent = text; }

  function row(cells) {
    const tr = document.createElement('tr');
    for (const cell of cells) {
      const td = document.createElement('td');
      td.textContent = cell;
      tr.appendChild(td);
    }
    return tr;
  }

  function lineChart(canvasId, datasets) {
    if (!window.Chart) return null; // the page still shows every number without its chart library
    return new Chart($(canvasId), {
      type: 'line',
      data: {
        labels: [],
        // spanGaps false: a second without requests has no latency, and the line stops there instead of joining across.
        datasets: datasets.map(([label, color]) => ({ label, data: [], borderColor: color, backgroundColor: color, borderWidth: 1.5, pointRadius: 1.5, spanGaps: false, tension: 0 })),
      },
      options: { animation: false, responsive: true, maintainAspectRatio: false, scales: { y: { beginAtZero: true } }, plugins: { legend: { display: datasets.length > 1 } } },
    });
  }

  const charts = {
    traffic: lineChart('chart-traffic', [['requests/s', '#2563eb'], ['5xx/s', '#dc2626'], ['4xx/s', '#d97706']]),
    latency: lineChart('chart-latency', [['avg', '#059669'], ['p99', '#7c3aed']]),
  };

  function plot(chart, labels, series) {
    if (!chart) return;
    chart.data.labels = labels;
    series.forEach((values, i) => { chart.data.datasets[i].data = values; });
    chart.update('none');
  }

  function renderTraffic(t) {
    const last = t.perSecond.length > 0 ? t.perSecond[t.perSecond.length - 1] : null;
    setText('requests-per-second', num(last ? last.requests : 0));
    setText('requests', num(t.requests));
    setText('error-rate', pct(t.errorRate));
    setText('server-errors', `${num(t.serverErrors)} of ${num(t.requests)}`);
    setText('client-error-rate', pct(t.clientErrorRate));
    setText('client-errors', `${num(t.clientErrors)} of ${num(t.requests)}`);
    setText('avg-latency', ms(t.averageMs) + ' ms');
    setText('p99-latency', ms(t.p99Ms) + ' ms');
    const labels = t.perSecond.map(s => time(s.at));
    plot(charts.traffic, labels, [t.perSecond.map(s => s.requests), t.perSecond.map(s => s.serverErrors), t.perSecond.map(s => s.clientErrors)]);
    plot(charts.latency, labels, [t.perSecond.map(s => s.averageMs), t.perSecond.map(s => s.p99Ms)]);
  }

  function renderTopProducts(products) {
    const available = Array.isArray(products);
    $('top-products-na').hidden = available;
    $('top-products-empty').hidden = !available || products.length > 0;
    $('top-products').replaceChildren(...(available ? products : []).map(p => {
      const li = document.createElement('li');
      li.textContent = `${p.name || ('#' + p.productId)} (${num(p.salesCount)})`;
      return li;
    }));
  }

  function renderStream(s) {
    setText('stream-provider', '(' + s.provider + ')');
    setText('stream-pending', absent(s.pending) ? 'n/a' : num(s.pending));
    setText('stream-lag', absent(s.oldestPendingAgeSeconds) ? 'n/a' : s.oldestPendingAgeSeconds.toFixed(1) + ' s');
    setText('stream-dead-letters', absent(s.streamDeadLetters) ? 'n/a' : num(s.streamDeadLetters));
    $('stream-stuck').hidden = absent(s.stuck);
    setText('stream-stuck', absent(s.stuck) ? '' : 'stuck: ' + s.stuck);
    $('stream-consumers').tBodies[0].replaceChildren(...s.consumers.map(c => row([
      c.name, num(c.consumed), num(c.duplicates), absent(c.lastDelaySeconds) ? '–' : c.lastDelaySeconds.toFixed(3) + ' s',
      absent(c.failingSince) ? '–' : new Date(c.failingSince).toLocaleTimeString('en-GB')])));
  }

  function renderDeadLetters(d) {
    setText('dead-letters-open', num(d.open));
    setText('dead-letters-total', num(d.total));
    $('dead-letters').tBodies[0].replaceChildren(...d.newest.map(l =>
      row([new Date(l.createdAt).toLocaleString('en-GB'), l.eventType, l.status, num(l.attempts), l.lastError ?? ''])));
  }

  function renderStorage(rows) {
    $('storage-empty').hidden = rows.length > 0;
    $('storage').tBodies[0].replaceChildren(...rows.map(r => row([
      r.grainType, num(r.writes), fixed(r.averageBatchSize, 2), absent(r.maxBatchSize) ? '–' : num(r.maxBatchSize),
      ms(r.averageWriteMs), ms(r.p99WriteMs), num(r.failures)])));
  }

  async function json(url) {
    const response = await fetch(url, { cache: 'no-store' });
    if (!response.ok) throw new Error(`${url}: ${response.status}`);
    return response.json();
  }

  // A failed ranking read shows n/a instead of stopping the rest of the page.
  async function topProducts() {
    try {
      return await json('/admin/api/top-products');
    } catch {
      return null;
    }
  }

  async function poll() {
    try {
      const [traffic, top, stream, deadLetters, storage] = await Promise.all([
        json('/admin/api/traffic'), topProducts(), json('/admin/api/stream'), json('/admin/api/dead-letters'), json('/admin/api/storage')]);
      renderTraffic(traffic);
      renderTopProducts(top);
      renderStream(stream);
      renderDeadLetters(deadLetters);
      renderStorage(storage);
      $('status').className = 'status';
      $('status').textContent = 'updated ' + new Date().toLocaleTimeString('en-GB');
    } catch (error) {
      $('status').className = 'status error';
      $('status').textContent = 'update failed: ' + error.message;
    } finally {
      setTimeout(poll, POLL_MS);
    }
  }

  poll();
})();
