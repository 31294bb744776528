// The scenario editor: open a scenario's TOML, check it with the server (the CLI's checks,
// every problem at its line and key), save it (a new saved scenario, or an edit naming the
// version it was made against: an edit made meanwhile is reported, never overwritten).
import { get, post, esc } from './api.js';
import { refreshList } from './scenario.js';

let opened = null; // {name, source, version}
const text = () => document.getElementById('editor-text');
const status = (msg, error = false) => {
  const s = document.getElementById('editor-status');
  s.className = error ? 'status error' : 'status';
  s.textContent = msg;
};

function gutter(bad = new Set()) {
  const n = text().value.split('\n').length;
  document.getElementById('editor-gutter').innerHTML = Array.from({ length: n }, (_, i) => (bad.has(i + 1) ? `<span class="bad">${i + 1}</span>` : `${i + 1}`)).join('\n');
  document.getElementById('editor-gutter').scrollTop = text().scrollTop;
}

function goTo(line) {
  const t = text();
  const lines = t.value.split('\n');
  const start = lines.slice(0, line - 1).reduce((a, l) => a + l.length + 1, 0);
  t.focus();
  t.setSelectionRange(start, start + (lines[line - 1] || '').length);
  t.scrollTop = Math.max(0, (line - 4) * 16.8);
}

function problems(err) {
  const list = document.getElementById('editor-problems');
  const ps = (err && err.body && err.body.problems) || [];
  const bad = new Set(ps.map((p) => p.line).filter(Boolean));
  if (err && err.body && err.body.line) bad.add(err.body.line);
  gutter(bad);
  list.innerHTML = ps.map((p, i) => `<li>${p.line ? `<button type="button" data-line="${p.line}" aria-label="Go to line ${p.line}">line ${p.line}</button> ` : ''}${p.field ? `<code>${esc(p.field)}</code>: ` : ''}${esc(p.message)}${p.hint ? ` — ${esc(p.hint)}` : ''}</li>`).join('');
  list.querySelectorAll('button[data-line]').forEach((b) => { b.onclick = () => goTo(Number(b.dataset.line)); });
}

async function open(name) {
  const s = await get(`/api/scenarios/${encodeURIComponent(name)}`);
  opened = { name: s.name, source: s.source, version: s.version };
  text().value = s.toml;
  problems(null);
  status(s.source === 'embedded' ? `${s.name} is embedded (read-only): change its name to save a copy.` : `${s.name}, saved version ${s.version}.`);
}

async function check() {
  try {
    const v = await post('/api/scenarios/validate', { toml: text().value });
    problems(null);
    status(`Valid: ${v.name}, ${v.projects} projects, ${v.interventions} interventions, ${v.years[0]}–${v.years[1]}; ${v.networks} networks and ${v.epochs} epochs checked.${v.warnings.length ? ` Warnings: ${v.warnings.join(' ')}` : ''}`);
    return true;
  } catch (err) {
    problems(err);
    status(err.message, true);
    return false;
  }
}

async function save() {
  const toml = text().value;
  const name = (toml.match(/^\s*name\s*=\s*"([^"]*)"/m) || [])[1];
  try {
    let saved;
    if (opened && opened.source === 'saved' && name === opened.name) {
      saved = await post(`/api/scenarios/${encodeURIComponent(name)}`, { toml, version: opened.version }, 'PUT');
    } else {
      saved = await post('/api/scenarios', { toml });
    }
    opened = { name: saved.name, source: 'saved', version: saved.version };
    problems(null);
    status(`Saved ${saved.name}, version ${saved.version}.`);
    await refreshList();
    document.getElementById('editor-open').value = saved.name;
  } catch (err) {
    problems(err);
    status(err.status === 409 && err.body.current_version ? `${err.message} (now version ${err.body.current_version}: reopen it to see the other edit)` : err.message, true);
  }
}

export async function init() {
  const sel = document.getElementById('editor-open');
  sel.addEventListener('change', () => open(sel.value));
  text().addEventListener('input', () => gutter());
  text().addEventListener('scroll', () => { document.getElementById('editor-gutter').scrollTop = text().scrollTop; });
  document.getElementById('editor-validate').onclick = check;
  document.getElementById('editor-save').onclick = save;
  if (sel.value) await open(sel.value);
}
