// The operator console. Framework-free on purpose: it is embedded in the
// gateway and must work offline with no build step.
//
// Safety rules this file keeps: every value from the server reaches the
// page through textContent or setAttribute on a fixed, non-event
// attribute (el() below); no HTML string is ever parsed. Every
// change is sent with the CSRF token from the cookie the page came with.
'use strict';

(function () {
  // The console may be mounted under a path prefix on a site
  // (handle_path /ops/* { ai_backends_console }): calls go to the same prefix.
  const uiAt = location.pathname.indexOf('/ai_backends/ui/');
  const base = uiAt >= 0 ? location.pathname.slice(0, uiAt) : '';
  const pollMillis = 3000;

  // ---- helpers ----------------------------------------------------------

  function csrfToken() {
    for (const part of document.cookie.split(';')) {
      const [k, v] = part.trim().split('=');
      if (k === 'ai_backends_csrf') return v || '';
    }
    return '';
  }

  class APIError extends Error {
    constructor(status, message) { super(message); this.status = status; }
  }

  async function api(path, method, body) {
    const opts = { method: method || 'GET', credentials: 'same-origin', headers: {} };
    if (opts.method !== 'GET') opts.headers['X-CSRF-Token'] = csrfToken();
    if (body !== undefined) {
      opts.headers['Content-Type'] = 'application/json';
      opts.body = JSON.stringify(body);
    }
    const resp = await fetch(base + '/ai_backends/' + path, opts);
    const text = await resp.text();
    let data = null;
    try { data = text ? JSON.parse(text) : null; } catch (e) { data = null; }
    if (!resp.ok) {
      const msg = data && data.error ? data.error : (resp.status + ' ' + resp.statusText);
      throw new APIError(resp.status, msg);
    }
    return data;
  }

  // el builds an element: attrs are set with setAttribute (never an on*
  // handler), children are nodes or strings (as text nodes).
  function el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (v === undefined || v === null || v === false) continue;
      if (k.startsWith('on')) throw new Error('el: event attributes are not allowed');
      node.setAttribute(k, v === true ? '' : String(v));
    }
    append(node, children);
    return node;
  }

  function append(node, children) {
    for (const c of children.flat()) {
      if (c === undefined || c === null) continue;
      node.appendChild(c instanceof Node ? c : document.createTextNode(String(c)));
    }
  }

  function replace(id, ...children) {
    const node = document.getElementById(id);
    node.replaceChildren();
    append(node, children);
  }

  function table(headers, rows) {
    return el('table', {}, el('thead', {}, el('tr', {}, headers.map(h => el('th', {}, h)))),
      el('tbody', {}, rows));
  }

  const usd = v => (typeof v === 'number' ? '$' + v.toFixed(v !== 0 && Math.abs(v) < 0.01 ? 6 : 4) : '');
  const num = v => (typeof v === 'number' ? v.toLocaleString('en-US') : '');
  const when = v => (v ? new Date(v).toLocaleString() : '');
  const ms = v => (typeof v === 'number' ? (v < 0 ? '> 120000' : Math.round(v).toLocaleString('en-US')) : '');
  const pct = v => (typeof v === 'number' ? (100 * v).toFixed(1) + '%' : '');

  function setStatus(text, isError) {
    const s = document.getElementById('status');
    s.textContent = text;
    s.className = isError ? 'error' : '';
  }

  function button(label, action, handler, cls) {
    const b = el('button', { type: 'button', 'data-action': action, class: cls });
    b.textContent = label;
    b.addEventListener('click', handler);
    return b;
  }

  async function act(description, fn) {
    try {
      await fn();
      setStatus(description + ': done');
    } catch (e) {
      setStatus(description + ': ' + e.message, true);
    }
    refresh();
  }

  // ---- charts (inline SVG) ------------------------------------------------

  const svgNS = 'http://www.w3.org/2000/svg';
  function svg(tag, attrs) {
    const n = document.createElementNS(svgNS, tag);
    for (const [k, v] of Object.entries(attrs || {})) n.setAttribute(k, String(v));
    return n;
  }

  // lineChart draws series (arrays of numbers of equal length) over labels.
  function lineChart(id, labels, series) {
    const W = 480, H = 170, L = 40, B = 18, T = 8;
    const max = Math.max(1, ...series.flatMap(s => s.values));
    const root = svg('svg', { viewBox: `0 0 ${W} ${H}`, role: 'img' });
    root.appendChild(svg('line', { x1: L, y1: H - B, x2: W, y2: H - B, class: 'axis' }));
    root.appendChild(svg('line', { x1: L, y1: T, x2: L, y2: H - B, class: 'axis' }));
    const top = svg('text', { x: 2, y: T + 8 }); top.textContent = fmtAxis(max); root.appendChild(top);
    const zero = svg('text', { x: 2, y: H - B }); zero.textContent = '0'; root.appendChild(zero);
    const n = labels.length;
    const x = i => L + (n <= 1 ? 0 : (i * (W - L - 4)) / (n - 1));
    const y = v => H - B - (v / max) * (H - B - T);
    series.forEach((s, k) => {
      const pts = s.values.map((v, i) => `${x(i).toFixed(1)},${y(v).toFixed(1)}`).join(' ');
      root.appendChild(svg('polyline', { points: pts, class: 's' + k }));
    });
    [0, Math.floor((n - 1) / 2), n - 1].forEach(i => {
      if (i < 0 || !labels[i]) return;
      const t = svg('text', { x: Math.min(x(i), W - 30), y: H - 4 }); t.textContent = labels[i]; root.appendChild(t);
    });
    const legend = el('div', { class: 'legend' }, series.map((s, k) => el('span', { class: 'k' + k }, '— ' + s.name)));
    replace(id, root, legend);
  }

  // barChart draws one horizontal bar per item ({label, value}).
  function barChart(id, items, format) {
    if (items.length === 0) { replace(id, el('p', { class: 'note' }, 'Nothing spent yet.')); return; }
    const W = 480, row = 18, L = 130;
    const H = items.length * row + 4;
    const max = Math.max(...items.map(i => i.value), 1e-9);
    const root = svg('svg', { viewBox: `0 0 ${W} ${H}`, role: 'img' });
    root.style.height = H + 'px';
    items.forEach((it, i) => {
      const label = svg('text', { x: 0, y: i * row + 13 }); label.textContent = it.label.slice(0, 22); root.appendChild(label);
      const w = Math.max(1, (it.value / max) * (W - L - 70));
      root.appendChild(svg('rect', { x: L, y: i * row + 3, width: w.toFixed(1), height: row - 6, class: 'bar' }));
      const v = svg('text', { x: L + w + 4, y: i * row + 13 }); v.textContent = format(it.value); root.appendChild(v);
    });
    replace(id, root);
  }

  function fmtAxis(v) { return v >= 1000 ? (v / 1000).toFixed(1) + 'k' : String(Math.round(v * 100) / 100); }

  // ---- pages ------------------------------------------------------------

  // keysAPI: undefined until tried, then true or false (no managed keys here).
  let keysAPI;

  async function listKeys(limit, after) {
    if (keysAPI === false) return null;
    try {
      const q = 'client_keys?limit=' + limit + (after ? '&after=' + encodeURIComponent(after) : '');
      const data = await api(q);
      keysAPI = true;
      return data;
    } catch (e) {
      if (e.status === 404) { keysAPI = false; return null; }
      throw e;
    }
  }

  async function overview() {
    const ov = await api('overview');
    const t = ov.totals;
    replace('overview-cards',
      card('Requests (1h)', num(t.requests), 'requests'),
      card('Errors (1h)', num(t.errors) + ' · ' + pct(t.error_rate), 'errors'),
      card('Latency p50 / p95 / p99 (ms)', [t.latency_ms.p50, t.latency_ms.p95, t.latency_ms.p99].map(ms).join(' / '), 'latency'),
      card('Tokens (1h)', num(t.tokens), 'tokens'),
      card('Cost (1h)', usd(t.cost_usd), 'cost'));
    const labels = ov.minutes.map(m => new Date(m.start).toTimeString().slice(0, 5));
    lineChart('chart-rate', labels, [
      { name: 'requests', values: ov.minutes.map(m => m.requests) },
      { name: 'errors', values: ov.minutes.map(m => m.errors) }]);
    const lat = k => ov.minutes.map(m => Math.max(0, m.latency_ms[k]));
    lineChart('chart-latency', labels, [
      { name: 'p50', values: lat('p50') }, { name: 'p95', values: lat('p95') }, { name: 'p99', values: lat('p99') }]);
    // Spend per key: the managed keys' spend in their budget period when
    // the keys API is there, else what the recent requests cost per key.
    const keys = await listKeys(100);
    let items;
    if (keys) {
      document.getElementById('spend-caption').textContent = 'Spend per managed key in its budget period (USD)';
      items = (keys.keys || []).filter(k => k.spend_usd > 0).map(k => ({ label: k.label || k.fingerprint, value: k.spend_usd }));
    } else {
      document.getElementById('spend-caption').textContent = 'Spend per key over the recent requests (USD)';
      const recent = await api('requests');
      const by = new Map();
      for (const r of recent.requests) {
        if (r.cost_usd > 0) by.set(r.key_label || r.client_key || '(open)', (by.get(r.key_label || r.client_key || '(open)') || 0) + r.cost_usd);
      }
      items = [...by].map(([label, value]) => ({ label, value }));
    }
    items.sort((a, b) => b.value - a.value);
    barChart('chart-spend', items.slice(0, 12), usd);
  }

  function card(label, value, name) {
    return el('div', { class: 'card', 'data-card': name }, el('div', { class: 'label' }, label), el('div', { class: 'value' }, value));
  }

  async function providers() {
    const st = await api('status');
    const deployments = [], upstream = [];
    for (const h of st.handlers) {
      for (const d of h.deployments || []) deployments.push(d);
      for (const p of h.providers || []) for (const k of p.keys || []) upstream.push([p, k]);
    }
    replace('deployments', table(
      ['Deployment', 'Health', 'Breaker', 'Latency (EWMA ms)', 'Success rate', 'Requests', 'Failures', 'In flight', ''],
      deployments.map(d => el('tr', { 'data-deployment': d.id },
        el('td', {}, d.id),
        el('td', { class: d.healthy ? 'state-ok' : 'state-bad' }, d.healthy ? 'healthy' : 'unhealthy'),
        el('td', { class: 'state-' + d.breaker.state, 'data-field': 'breaker' }, d.breaker.state),
        el('td', { class: 'num' }, ms(d.stats.latency_ewma_ms)),
        el('td', { class: 'num' }, pct(d.stats.success_rate)),
        el('td', { class: 'num' }, num(d.stats.requests)),
        el('td', { class: 'num' }, num(d.stats.failures)),
        el('td', { class: 'num' }, num(d.in_flight)),
        el('td', {}, d.breaker.state === 'closed' ? null : button('Reset breaker', 'reset-breaker',
          () => act('Reset ' + d.id, () => api('breakers/' + d.id.split('/').map(encodeURIComponent).join('/') + '/reset', 'POST'))))))));
    replace('upstream-keys', table(
      ['Provider', 'Key fingerprint', 'State', 'Requests', 'Errors', 'Last use', 'Next probe', ''],
      upstream.map(([p, k]) => el('tr', { 'data-upstream-key': k.fingerprint },
        el('td', {}, p.name), el('td', {}, el('code', {}, k.fingerprint)),
        el('td', { class: 'state-' + k.state }, k.state),
        el('td', { class: 'num' }, num(k.requests)), el('td', { class: 'num' }, num(k.errors)),
        el('td', {}, when(k.last_use)), el('td', {}, when(k.next_probe)),
        el('td', {}, k.state === 'active' ? null : button('Re-enable', 'enable-key',
          () => act('Re-enable ' + k.fingerprint, () => api('keys/' + encodeURIComponent(k.fingerprint) + '/enable', 'POST'))))))));
  }

  // ---- keys and teams ---------------------------------------------------

  const pageSize = 50;
  let keysShown = pageSize;
  let editing = null; // the id of the key whose edit form is open: no refresh under the user's cursor

  function spendBar(spend, budget) {
    if (!(budget > 0)) return el('span', {}, usd(spend || 0));
    const ratio = (spend || 0) / budget;
    const inner = el('div', { class: 'bar-inner' + (ratio >= 1 ? ' over' : ratio >= 0.8 ? ' high' : '') });
    inner.style.width = Math.min(100, ratio * 100).toFixed(1) + '%'; // CSSOM: the policy forbids style attributes
    return el('span', { title: pct(ratio) + ' of budget' },
      el('span', { class: 'bar-outer' }, inner), ' ', usd(spend || 0) + ' / ' + usd(budget));
  }

  function limitsText(o) {
    const parts = [];
    if (o.requests_per_minute) parts.push(num(o.requests_per_minute) + ' req/min');
    if (o.tokens_per_minute) parts.push(num(o.tokens_per_minute) + ' tok/min');
    if (o.max_tokens) parts.push('max ' + num(o.max_tokens) + ' tok');
    return parts.join(', ') || 'none';
  }

  function keyState(k) {
    if (k.revoked_at) return 'revoked';
    if (k.expires_at && new Date(k.expires_at) < new Date()) return 'expired';
    return 'active';
  }

  async function keysPage() {
    const data = await listKeys(keysShown);
    document.getElementById('keys-unavailable').hidden = !!data;
    document.getElementById('key-create').hidden = !data;
    document.getElementById('team-create').hidden = !data;
    if (!data) { replace('keys'); replace('teams'); return; }
    if (editing === null) {
      const keys = data.keys || [];
      replace('keys', table(
        ['Label', 'Fingerprint', 'Owner', 'Team', 'Models', 'Limits', 'Spend / budget', 'Last used', 'Expires', 'State', ''],
        keys.map(k => keyRow(k))));
      document.getElementById('keys-more').hidden = !data.next;
    }
    let teams = null;
    try { teams = await api('teams'); } catch (e) { if (e.status !== 404) throw e; }
    replace('teams', teams ? table(['Team', 'Models', 'Limits', 'Spend / budget', ''],
      (teams.teams || []).map(t => el('tr', { 'data-team': t.name },
        el('td', {}, t.name), el('td', {}, (t.models || []).join(', ') || 'all'),
        el('td', {}, limitsText(t.limits || t)),
        el('td', {}, spendBar(t.spend_usd, (t.budget && t.budget.budget_usd) || t.budget_usd)),
        el('td', {}, button('Delete', 'delete-team', () => {
          if (confirm('Delete team ' + t.name + '?')) act('Delete team ' + t.name, () => api('teams/' + encodeURIComponent(t.name), 'DELETE'));
        }, 'danger'))))) : null);
  }

  function keyRow(k) {
    const state = keyState(k);
    const actions = state === 'revoked' ? [] : [
      button('Edit limits', 'edit-key', () => openEdit(k)),
      ' ',
      button('Revoke', 'revoke-key', () => {
        if (confirm('Revoke key ' + (k.label || k.fingerprint) + '? Requests with it are refused from now on.')) {
          act('Revoke ' + (k.label || k.fingerprint), () => api('client_keys/' + encodeURIComponent(k.id), 'DELETE'));
        }
      }, 'danger')];
    return el('tr', { 'data-key-id': k.id, 'data-key-label': k.label },
      el('td', {}, k.label), el('td', {}, el('code', {}, k.fingerprint)), el('td', {}, k.owner),
      el('td', {}, k.team), el('td', {}, (k.models || []).join(', ') || 'all'), el('td', { 'data-field': 'limits' }, limitsText(k)),
      el('td', { 'data-field': 'spend' }, spendBar(k.spend_usd, k.budget_usd)),
      el('td', {}, when(k.last_used_at) || 'never'), el('td', {}, when(k.expires_at) || 'never'),
      el('td', { class: 'state-' + state, 'data-field': 'state' }, state), el('td', {}, actions));
  }

  function openEdit(k) {
    editing = k.id;
    const field = (name, value, extra) => el('label', {}, name, el('input', Object.assign({ name, value: value || '' }, extra)));
    const form = el('form', { class: 'inline-form', 'data-edit-key': k.id },
      field('requests_per_minute', k.requests_per_minute, { type: 'number', min: 0 }),
      field('tokens_per_minute', k.tokens_per_minute, { type: 'number', min: 0 }),
      field('budget_usd', k.budget_usd, { type: 'number', min: 0, step: 'any' }),
      field('budget_period', k.budget_period),
      field('max_tokens', k.max_tokens, { type: 'number', min: 0 }),
      field('models', (k.models || []).join(', ')),
      el('button', { type: 'submit' }, 'Save'));
    const cancel = button('Cancel', 'cancel-edit', () => { editing = null; refresh(); });
    form.appendChild(cancel);
    form.addEventListener('submit', ev => {
      ev.preventDefault();
      const body = formBody(form, false);
      editing = null;
      act('Update ' + (k.label || k.fingerprint), () => api('client_keys/' + encodeURIComponent(k.id), 'PATCH', body));
    });
    const row = document.querySelector('tr[data-key-id="' + CSS.escape(k.id) + '"]');
    const cell = el('td', { colspan: 11 }, form);
    row.after(el('tr', {}, cell));
  }

  const numeric = new Set(['requests_per_minute', 'tokens_per_minute', 'budget_usd', 'max_tokens']);

  // formBody turns a form into the JSON the API takes: numbers as numbers,
  // models as a list, the expiry as RFC 3339; empty fields are left out on
  // create and sent as zero values on edit (to clear a limit).
  function formBody(form, create) {
    const body = {};
    for (const input of form.querySelectorAll('input')) {
      const v = input.value.trim();
      const name = input.name;
      if (v === '' && create) continue;
      if (numeric.has(name)) body[name] = v === '' ? 0 : Number(v);
      else if (name === 'models') body[name] = v === '' ? [] : v.split(',').map(s => s.trim()).filter(Boolean);
      else if (name === 'expires_at') body[name] = new Date(v).toISOString();
      else body[name] = v;
    }
    return body;
  }

  function wireForms() {
    const create = document.getElementById('key-create');
    create.addEventListener('submit', async ev => {
      ev.preventDefault();
      try {
        const res = await api('client_keys', 'POST', formBody(create, true));
        // The one time a secret reaches the page: shown as text, kept in no
        // variable beyond this handler, and removed from the page on "done".
        document.getElementById('secret-value').textContent = res.secret;
        document.getElementById('secret-fingerprint').textContent = res.key && res.key.fingerprint;
        document.getElementById('secret-box').hidden = false;
        create.reset();
        setStatus('Key created');
      } catch (e) {
        setStatus('Create key: ' + e.message, true);
      }
      refresh();
    });
    document.getElementById('secret-done').addEventListener('click', () => {
      document.getElementById('secret-value').textContent = '';
      document.getElementById('secret-fingerprint').textContent = '';
      document.getElementById('secret-box').hidden = true;
    });
    const team = document.getElementById('team-create');
    team.addEventListener('submit', ev => {
      ev.preventDefault();
      const body = formBody(team, true);
      act('Create team ' + body.name, async () => { await api('teams', 'POST', body); team.reset(); });
    });
    document.getElementById('keys-more').addEventListener('click', () => { keysShown += pageSize; refresh(); });
  }

  // ---- recent requests and configuration --------------------------------

  async function requestsPage() {
    const data = await api('requests?limit=100');
    replace('requests', table(
      ['Time', 'Key', 'Model', 'Deployment', 'Status', 'Tokens (in / out)', 'Cost', 'Latency (ms)', 'Routing'],
      data.requests.map(r => el('tr', { 'data-request-id': r.request_id },
        el('td', {}, new Date(r.time).toLocaleTimeString()),
        el('td', { 'data-field': 'key' }, r.key_label || r.client_key || '(open)'),
        el('td', {}, r.model), el('td', {}, r.deployment),
        el('td', { class: r.status >= 400 ? 'state-bad' : 'state-ok', 'data-field': 'status' },
          String(r.status) + (r.error ? ' ' + r.error : '')),
        el('td', { class: 'num' }, num(r.prompt_tokens) + ' / ' + num(r.completion_tokens)),
        el('td', { class: 'num', 'data-field': 'cost' }, usd(r.cost_usd)),
        el('td', { class: 'num' }, ms(r.latency_ms)),
        el('td', { class: 'reasoning' }, [r.strategy, r.reasoning].filter(Boolean).join(': ') +
          (r.retries ? ' · retries ' + r.retries : '') + (r.fallbacks ? ' · fallbacks ' + r.fallbacks : '') +
          (r.cache ? ' · cache ' + r.cache : ''))))));
  }

  async function configPage() {
    const cfg = await api('config');
    const parts = [];
    cfg.handlers.forEach((h, i) => {
      parts.push(el('h2', {}, 'Handler ' + (i + 1) + ' (since ' + when(h.started) + ')'));
      parts.push(el('p', {}, 'Routing: ' + h.routing.strategy +
        (h.routing.fallback && h.routing.fallback.length ? ', fallback ' + h.routing.fallback.join(' → ') : '') +
        '; load balancing: ' + h.load_balancing + (h.degrade_to ? '; degrade to ' + h.degrade_to : '')));
      parts.push(table(['Model or alias', 'Deployments'], Object.keys(h.models).sort().map(m =>
        el('tr', {}, el('td', {}, m), el('td', {}, h.models[m].join(', '))))));
      const aliases = Object.keys(h.aliases).sort();
      if (aliases.length) {
        parts.push(el('h2', {}, 'Aliases'));
        parts.push(table(['Alias', 'Targets'], aliases.map(a => el('tr', {}, el('td', {}, a), el('td', {}, h.aliases[a].join(', '))))));
      }
      parts.push(el('h2', {}, 'Providers'));
      parts.push(table(['Name', 'Type', 'Base URL', 'Region', 'Models', 'Upstream keys'], h.providers.map(p =>
        el('tr', {}, el('td', {}, p.name), el('td', {}, p.type), el('td', {}, p.base_url || ''), el('td', {}, p.region || ''),
          el('td', {}, p.models.join(', ')), el('td', { class: 'num' }, num(p.upstream_keys))))));
      if (h.client_keys.length) {
        parts.push(el('h2', {}, 'Caddyfile client keys'));
        parts.push(table(['Label', 'Models', 'Limits', 'Budget'], h.client_keys.map(k =>
          el('tr', {}, el('td', {}, k.label || ''), el('td', {}, (k.models || []).join(', ') || 'all'),
            el('td', {}, limitsText(k)), el('td', {}, k.budget_usd ? usd(k.budget_usd) : 'none')))));
      }
    });
    replace('config', parts);
  }

  // ---- navigation and polling -------------------------------------------

  const pages = { overview, providers, keys: keysPage, requests: requestsPage, config: configPage };
  let current = 'overview';
  let busy = false, again = false;

  // refresh redraws the current page; a call while one runs makes it run
  // once more afterwards, so an action's result shows without waiting for
  // the next poll.
  async function refresh() {
    if (busy) { again = true; return; }
    busy = true;
    try {
      do {
        again = false;
        await pages[current]();
      } while (again);
      if (!document.getElementById('status').classList.contains('error')) setStatus('updated ' + new Date().toLocaleTimeString());
    } catch (e) {
      setStatus('could not load ' + current + ': ' + e.message, true);
    } finally {
      busy = false;
    }
  }

  function show() {
    const name = location.hash.slice(1);
    current = Object.prototype.hasOwnProperty.call(pages, name) ? name : 'overview';
    editing = null;
    for (const p of Object.keys(pages)) document.getElementById('page-' + p).hidden = p !== current;
    for (const a of document.querySelectorAll('nav a')) a.classList.toggle('active', a.dataset.page === current);
    setStatus('');
    refresh();
  }

  wireForms();
  window.addEventListener('hashchange', show);
  show();
  setInterval(() => { if (!document.hidden) refresh(); }, pollMillis);
})();
