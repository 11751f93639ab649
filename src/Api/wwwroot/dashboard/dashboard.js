// Polls /dashboard/api/* every second and redraws; every value goes in with textContent.
(() => {
  'use strict';
  const POLL_MS = 1000;
  const $ = id => document.getElementById(id);

  const num = v => v === null || v === undefined ? 'n/a' : Number(v).toLocaleString('en-US');
  const ms = v => v === null || v === undefined ? '–' : (v < 10 ? v.toFixed(2) : v.toFixed(0));
  const rate = v => (v ?? 0).toFixed(v >= 100 ? 0 : 1);
  const pct = v => ((v ?? 0) * 100).toFixed(2) + ' %';

  function setText(id, text) { $(id).textContent = text; }

  function row(cells, className) {
    const tr = document.createElement('tr');
    if (className) tr.className = className;
    for (const cell of cells) {
      const td = document.createElement('td');
      td.textContent = cell;
      tr.appendChild(td);
    }
    return tr;
  }

  function list(id, items, text) {
    const ol = $(id);
    ol.replaceChildren(...items.map(item => {
      const li = document.createElement('li');
      li.textContent = text(item);
      return li;
    }));
  }

  function lineChart(canvasId, datasets) {
    if (!window.Chart) return null; // the page still shows every number without its chart library
    return new Chart($(canvasId), {
      type: 'line',
      data: { labels: [], datasets: datasets.map(([label, color]) => ({ label, data: [], borderColor: color, borderWidth: 1.5, pointRadius: 1.5, spanGaps: true, tension: .2 })) },
      options: { animation: false, responsive: true, maintainAspectRatio: false, scales: { y: { beginAtZero: true } }, plugins: { legend: { display: datasets.length > 1 } } },
    });
  }

  const charts = {
    calls: lineChart('chart-calls', [['calls/s', '#2563eb']]),
    latency: lineChart('chart-latency', [['avg', '#059669'], ['p99', '#dc2626']]),
    grains: lineChart('chart-grains', [['active', '#7c3aed']]),
  };

  function plot(chart, labels, series) {
    if (!chart) return;
    chart.data.labels = labels;
    series.forEach((values, i) => { chart.data.datasets[i].data = values; });
    chart.update('none');
  }

  function renderOverview(o) {
    setText('active-grains', num(o.activeGrains));
    setText('total-calls', num(o.totalCalls));
    setText('calls-per-second', rate(o.callsPerSecond));
    setText('error-rate', pct(o.errorRate));
    setText('avg-latency', ms(o.averageLatencyMs) + ' ms');
    setText('p99-latency', ms(o.p99LatencyMs) + ' ms');
    const labels = o.samples.map(s => new Date(s.at).toLocaleTimeString('en-GB'));
    plot(charts.calls, labels, [o.samples.map(s => s.callsPerSecond)]);
    plot(charts.latency, labels, [o.samples.map(s => s.averageLatencyMs), o.samples.map(s => s.p99LatencyMs)]);
    plot(charts.grains, labels, [o.samples.map(s => s.activeGrains)]);
  }

  function renderGrains(g) {
    const rows = [];
    for (const t of g.types) {
      rows.push(row([t.grainType, num(t.activations), num(t.calls), rate(t.callsPerSecond), num(t.errors), ms(t.averageLatencyMs), ms(t.p99LatencyMs)], 'type'));
      for (const m of t.methods) {
        rows.push(row([m.method, '', num(m.calls), rate(m.callsPerSecond), num(m.errors), ms(m.averageLatencyMs), ms(m.p99LatencyMs)], 'method'));
      }
    }
    $('grain-types').tBodies[0].replaceChildren(...rows);
    const name = m => `${m.grainType}.${m.method}`;
    list('top-calls', g.topByCalls, m => `${name(m)}: ${num(m.calls)}`);
    list('top-errors', g.topByErrors, m => `${name(m)}: ${num(m.errors)}`);
    list('top-latency', g.topByLatency, m => `${name(m)}: ${ms(m.p99LatencyMs)} ms`);
  }

  function renderStorage(s) {
    setText('group-commit-writes', num(s.groupCommitWrites));
    setText('avg-batch-size', s.averageBatchSize === null ? '–' : s.averageBatchSize.toFixed(2));
    setText('writes', num(s.writes));
    setText('write-latency', `${ms(s.averageWriteMs)} / ${ms(s.p99WriteMs)}`);
    setText('version-conflicts', num(s.versionConflicts));
    setText('conflict-retries', num(s.conflictRetries));
    $('storage-types').tBodies[0].replaceChildren(...s.grainTypes.map(t => row([
      t.grainType, num(t.groupCommitWrites),
      t.averageBatchSize === null ? '–' : `${t.averageBatchSize.toFixed(1)} / ${t.maxBatchSize}`,
      ms(t.p99GroupCommitWriteMs), num(t.writes), ms(t.p99WriteMs), num(t.versionConflicts)])));
  }

  function renderOutbox(o) {
    setText('outbox-pending', num(o.pending));
    setText('outbox-lag', o.oldestPendingAgeSeconds === null ? 'n/a' : o.oldestPendingAgeSeconds.toFixed(1) + ' s');
    setText('outbox-dead-letters', num(o.deadLetters));
  }

  function renderTopProducts(products) {
    const available = Array.isArray(products);
    $('top-products-na').hidden = available;
    list('top-products', available ? products : [], p => `${p.name ?? ('#' + p.productId)} (${num(p.salesCount)})`);
  }

  async function json(url) {
    const response = await fetch(url, { cache: 'no-store' });
    if (!response.ok) throw new Error(`${url}: ${response.status}`);
    return response.json();
  }

  // A failed ranking read shows n/a instead of stopping the rest of the page.
  async function topProducts() {
    try {
      return await json('/dashboard/api/top-products');
    } catch {
      return null;
    }
  }

  async function poll() {
    try {
      const [overview, grains, storage, outbox, reminders, top] = await Promise.all([
        json('/dashboard/api/overview'), json('/dashboard/api/grains'), json('/dashboard/api/storage'),
        json('/dashboard/api/outbox'), json('/dashboard/api/reminders'), topProducts()]);
      renderOverview(overview);
      renderGrains(grains);
      renderStorage(storage);
      renderOutbox(outbox);
      setText('reminders-pending', num(reminders.pending));
      renderTopProducts(top);
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
