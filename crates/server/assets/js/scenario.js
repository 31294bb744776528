// The scenario panel: run a scenario or compare two as background jobs (progress over
// server-sent events), then the charts drawn by the server from the stored result, the
// map with the result's flows (or A against B), and the tables of the figures.
import { get, post, svg, follow, num, esc, card } from './api.js';
import { wire } from './linked.js';
import * as map from './map.js';

let scenarios = [];
let running = null;

/** Fill every scenario list; keep each selection. */
export async function refreshList() {
  scenarios = await get('/api/scenarios');
  document.querySelectorAll('select.scenario-list').forEach((sel) => {
    const keep = sel.value;
    sel.innerHTML = scenarios.map((s) => `<option value="${esc(s.name)}">${esc(s.name)}${s.source === 'saved' ? ' (saved)' : ''} — ${esc(s.title || '')}</option>`).join('');
    if (scenarios.some((s) => s.name === keep)) sel.value = keep;
  });
  const b = document.querySelector('#compare-form select[name=b]');
  if (b && !b.dataset.touched && scenarios.length > 1) b.value = scenarios.find((s) => s.name !== 'baseline')?.name || scenarios[1].name;
  return scenarios;
}

function years(f) {
  const a = Number(f.get('first')), b = Number(f.get('last'));
  return a && b ? [a, b] : undefined;
}

async function chart(id, title, kind, job, wide = false) {
  const el = card(id, title, await svg(`/api/svg/chart/${kind}?job=${job}`), wide);
  wire(el);
}

async function runJob(path, req, label) {
  const status = document.getElementById('scenario-status');
  const box = document.getElementById('job');
  const bar = document.getElementById('job-progress');
  status.className = 'status';
  status.textContent = '';
  const job = await post(path, req);
  running = job.id;
  box.hidden = false;
  document.getElementById('job-cancel').hidden = false;
  bar.value = 0;
  const show = (s) => {
    bar.max = s.total || 1;
    bar.value = s.done || 0;
    document.getElementById('job-label').textContent = `${label}: ${s.state}, ${s.done || 0} of ${s.total || '?'} ${s.total === 2 && path.includes('comparison') ? 'runs' : 'replications'}`;
  };
  show(job);
  const end = await follow(job.id, show);
  running = null;
  if (!end || end.state !== 'done') {
    status.className = 'status error';
    status.textContent = `${label}: ${end ? end.state : 'lost'}${end && end.error ? `: ${end.error.error}` : ''}`;
    return null;
  }
  document.getElementById('job-cancel').hidden = true;
  return job.id;
}

function corridorTable(run) {
  const rows = run.years.flatMap((y) => y.corridors.map((c) => `<tr data-corridor="${esc(c.corridor)}" tabindex="0"><td>${y.year}</td><td>${esc(c.corridor)}</td><td class="n">${num(c.teu_offered.mean, 0)}</td><td class="n">${num(c.teu_delivered.mean, 0)}</td><td class="n">${num(c.p50_days)}</td><td class="n">${num(c.p90_days)}</td><td class="n">${num(c.cost_usd_per_teu, 0)}</td></tr>`)).join('');
  return `<table><thead><tr><th>Year</th><th>Corridor</th><th class="n">Offered, TEU</th><th class="n">Delivered, TEU</th><th class="n">Median days</th><th class="n">90th pct. days</th><th class="n">USD per TEU</th></tr></thead><tbody>${rows}</tbody></table>
  <p class="source">Source: Corridor scenario run of ${esc(run.scenario)}, ${run.replications} replications, seed ${run.seed}; means over replications.</p>`;
}

async function submitRun(e) {
  e.preventDefault();
  const f = new FormData(e.target);
  const req = { scenario: f.get('scenario'), replications: Number(f.get('replications')) };
  const y = years(f);
  if (y) req.years = y;
  try {
    const id = await runJob('/api/scenario-runs', req, `Run of ${req.scenario}`);
    if (!id) return;
    const result = await get(`/api/jobs/${id}/result`);
    const run = result.run;
    await map.load(id, null, `${run.scenario} in ${run.last_year}: line width is the TEU over each link (a year's worth, mean over replications).`);
    await chart('card-transit', 'Transit time per corridor', 'transit', id, true);
    await chart('card-bottlenecks', 'Bottlenecks: utilisation and queues', 'bottlenecks', id);
    await chart('card-backlog', 'Backlog over time', 'backlog', id);
    await chart('card-pipeline', 'Project pipeline and slip risk', 'pipeline', id, true);
    wire(card('card-run-table', `Corridors by year — ${run.scenario}`, corridorTable(run), true));
    document.getElementById('scenario-status').textContent = `Run of ${run.scenario} done (job ${id}, Corridor ${result.corridor_version}).`;
  } catch (err) {
    const s = document.getElementById('scenario-status');
    s.className = 'status error';
    s.textContent = err.body && err.body.field ? `${err.body.field}: ${err.message}` : err.message;
  }
}

function explainedTable(c) {
  const rows = c.explained.map((x) => `<tr data-corridor="${esc(x.corridor)}" tabindex="0"><td>${x.year}</td><td>${esc(x.corridor)}</td><td class="n">${num(x.teu, 0)}</td><td>${x.contributions.slice(0, 4).map((k) => `${esc(k.item)} ${num(k.teu, 0)}`).join('; ')}</td></tr>`).join('');
  return `<table><thead><tr><th>Year</th><th>Corridor</th><th class="n">B − A, TEU</th><th>Explained by (TEU each)</th></tr></thead><tbody>${rows || '<tr><td colspan="4">No difference to explain.</td></tr>'}</tbody></table>
  <p class="source">Source: Corridor comparison (${esc(c.method)}), ${c.replications} replications, seed ${c.seed}.</p>`;
}

async function submitCompare(e) {
  e.preventDefault();
  const f = new FormData(e.target);
  const req = { a: f.get('a'), b: f.get('b'), replications: Number(f.get('replications')), attribute: f.get('attribute') === 'on' };
  const y = years(f);
  if (y) req.years = y;
  try {
    const id = await runJob('/api/scenario-comparisons', req, `${req.b} against ${req.a}`);
    if (!id) return;
    const c = (await get(`/api/jobs/${id}/result`)).comparison;
    await map.load(id, null, `${c.b} against ${c.a} in ${c.last_year}: blue carries more in ${c.b}, red less.`);
    await chart('card-deltas', `KPI deltas: ${c.b} minus ${c.a}`, 'deltas', id, true);
    await chart('card-backlog', 'Backlog of both scenarios', 'backlog', id);
    wire(card('card-explained', 'What explains the differences', explainedTable(c)));
    document.getElementById('scenario-status').textContent = `Comparison done (job ${id}).`;
  } catch (err) {
    const s = document.getElementById('scenario-status');
    s.className = 'status error';
    s.textContent = err.body && err.body.field ? `${err.body.field}: ${err.message}` : err.message;
  }
}

async function submitSimulate(e) {
  e.preventDefault();
  const f = new FormData(e.target);
  const req = { year: Number(f.get('year')), days: Number(f.get('days')), demand_factor: Number(f.get('demand_factor')), replications: Number(f.get('replications')) };
  try {
    const id = await runJob('/api/simulations', req, `Simulation of ${req.year}`);
    if (!id) return;
    await map.load(id, null, `Simulated ${req.days} days of ${req.year} at ${req.demand_factor} × demand: line width is the TEU through each link.`);
    await chart('card-bottlenecks', 'Bottlenecks: utilisation and queues', 'bottlenecks', id);
    await chart('card-backlog', 'Backlog day by day', 'backlog', id);
    document.getElementById('scenario-status').textContent = `Simulation done (job ${id}).`;
  } catch (err) {
    const s = document.getElementById('scenario-status');
    s.className = 'status error';
    s.textContent = err.body && err.body.field ? `${err.body.field}: ${err.message}` : err.message;
  }
}

function prefillYears(form, name) {
  const s = scenarios.find((x) => x.name === name);
  if (s && s.years) {
    form.elements.first.value = s.years[0];
    form.elements.last.value = Math.min(s.years[1], s.years[0] + 1);
  }
}

export async function init() {
  await refreshList();
  const run = document.getElementById('run-form');
  const cmp = document.getElementById('compare-form');
  run.addEventListener('submit', submitRun);
  cmp.addEventListener('submit', submitCompare);
  document.getElementById('simulate-form').addEventListener('submit', submitSimulate);
  run.elements.scenario.addEventListener('change', (e) => prefillYears(run, e.target.value));
  cmp.elements.b.addEventListener('change', (e) => { e.target.dataset.touched = '1'; prefillYears(cmp, e.target.value); });
  prefillYears(run, run.elements.scenario.value);
  prefillYears(cmp, cmp.elements.b.value);
  document.getElementById('job-cancel').onclick = async () => {
    if (running) await fetch(`/api/jobs/${running}`, { method: 'DELETE' });
  };
}
