// The dashboard's entry point: tabs, the server's health line, and each panel's setup.
import { get, num } from './api.js';
import * as map from './map.js';
import * as route from './route.js';
import * as scenario from './scenario.js';
import * as editor from './editor.js';

function tabs() {
  const buttons = [...document.querySelectorAll('[role=tab]')];
  const show = (b) => {
    buttons.forEach((x) => {
      const on = x === b;
      x.setAttribute('aria-selected', String(on));
      x.tabIndex = on ? 0 : -1;
      document.getElementById(x.getAttribute('aria-controls')).hidden = !on;
    });
  };
  buttons.forEach((b, i) => {
    b.addEventListener('click', () => show(b));
    b.addEventListener('keydown', (e) => {
      const d = { ArrowRight: 1, ArrowLeft: -1 }[e.key];
      if (d) { const n = buttons[(i + d + buttons.length) % buttons.length]; show(n); n.focus(); }
    });
  });
  show(buttons[0]);
}

async function health() {
  const h = await get('/api/health');
  document.getElementById('health').textContent = `Corridor ${h.version} · dataset ${h.dataset_hash.slice(0, 12)} · ${num(h.nodes, 0)} places, ${num(h.links, 0)} links, ${num(h.services, 0)} services`;
}

async function places() {
  const g = await get('/api/network');
  document.getElementById('places').innerHTML = g.features
    .filter((f) => f.properties.feature === 'node')
    .map((f) => `<option value="${f.properties.name.split(' (')[0].replace(/"/g, '&quot;')}">${f.properties.id}</option>`).join('');
}

async function main() {
  tabs();
  route.init();
  await Promise.all([health(), map.init(), places(), scenario.init().then(editor.init)]);
  document.body.dataset.ready = '1';
}

main().catch((e) => {
  document.getElementById('health').textContent = `The dashboard could not start: ${e.message}`;
});
