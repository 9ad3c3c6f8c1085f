// The Dragnet status page: renders the Server-Sent Events of /api/events. No framework, no build step.
'use strict';

const state = { run: null, lastEventId: null, fleet: null, whois: null, campaigns: [], alerts: [], source: null,
  lastMessage: null, retryTimer: null };

// The probe table: one page fetched from /api/probes on demand, never the whole fleet. The stream says when to
// fetch again (probes-changed, probes-resync, a new hello); the fetches are spaced by TABLE_DEBOUNCE.
const PAGE_SIZE = 50;
const TABLE_DEBOUNCE = 1000;
const TABLE_REFRESH = 10000;
const SHOWN = 'EFFECTIVE,INEFFECTIVE,QUARANTINED';
const table = { page: 0, sort: 'name', desc: false, q: '', status: '', data: null, timer: null, loading: false,
  again: false, loadedAt: 0, seq: 0, revoked: -1 };

const $ = (selector, root = document) => root.querySelector(selector);

function el(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === null || value === undefined || value === false) continue;
    if (name === 'class') node.className = value;
    else if (name.startsWith('on')) node.addEventListener(name.substring(2), value);
    else node.setAttribute(name, value === true ? '' : value);
  }
  for (const child of children.flat()) {
    if (child !== null && child !== undefined) node.append(child instanceof Node ? child : String(child));
  }
  return node;
}

function ago(iso) {
  if (!iso) return '–';
  const seconds = Math.max(0, Math.round((Date.now() - Date.parse(iso)) / 1000));
  if (seconds < 60) return seconds + ' s ago';
  if (seconds < 3600) return Math.floor(seconds / 60) + ' min ago';
  if (seconds < 86400) return Math.floor(seconds / 3600) + ' h ago';
  return new Date(iso).toLocaleString();
}

function number(n) {
  return (n === null || n === undefined) ? '–' : Number(n).toLocaleString('en');
}

function millis(n) {
  return (n === null || n === undefined) ? '–' : number(n) + ' ms';
}

function rate(s) {
  if (s.allowedRate === null || s.allowedRate === undefined) return '–';
  return s.allowedRate.toFixed(2) + '/s' + (s.learnedIntervalMillis ? ' ↓' : '');
}

function learned(s) {
  return s.learnedIntervalMillis ? 'slowed by throttles: one query per ' + number(s.learnedIntervalMillis)
    + ' ms per probe' : 'at the configured pace';
}

function percent(part, whole) {
  return whole > 0 ? Math.floor((part * 100) / whole) : 0;
}

// ---- connection -------------------------------------------------------------------------------------------------

function setConnection(kind, text) {
  const badge = $('#connection');
  badge.className = 'connection ' + kind;
  badge.dataset.state = kind;
  badge.textContent = text;
  const banner = $('#banner');
  document.body.classList.toggle('stale', kind === 'unreachable');
  if (kind === 'unreachable') {
    const since = state.lastMessage ? ' What you see is as of ' + state.lastMessage.toLocaleTimeString() + '.' : '';
    banner.textContent = 'The server cannot be reached; retrying every few seconds.' + since;
    banner.hidden = false;
  }
  else {
    banner.hidden = true;
  }
}

// ---- database ---------------------------------------------------------------------------------------------------

function renderDatabase(database) {
  const banner = $('#database-banner');
  banner.dataset.state = database.up ? 'up' : 'down';
  if (database.up) {
    banner.hidden = true;
    return;
  }
  banner.textContent = 'The database is unreachable since ' + new Date(database.since).toLocaleTimeString()
    + (database.reason ? ' (' + database.reason + ')' : '') + '. WHOIS lookups go on without the cache and probes'
    + ' stay connected; campaigns, results and admin changes wait until it is back.';
  banner.hidden = false;
}

function connect() {
  if (state.source) state.source.close();
  const url = '/api/events' + (state.lastEventId ? '?lastEventId=' + encodeURIComponent(state.lastEventId) : '');
  const source = new EventSource(url);
  state.source = source;
  source.onopen = () => setConnection('live', 'Live');
  source.onerror = () => {
    setConnection('unreachable', 'Server unreachable');
    if (source.readyState === EventSource.CLOSED) {
      // The browser gave up (an error status, say): try again ourselves.
      clearTimeout(state.retryTimer);
      state.retryTimer = setTimeout(connect, 3000);
    }
  };
  const on = (name, handler) => source.addEventListener(name, (event) => {
    state.lastMessage = new Date();
    if (event.lastEventId) state.lastEventId = event.lastEventId;
    setConnection('live', 'Live');
    handler(JSON.parse(event.data));
  });
  on('hello', (hello) => {
    if (state.run && state.run !== hello.run) {
      state.alerts = [];
      renderAlerts();
    }
    state.run = hello.run;
    // Whatever changed while we were away, the table is read again.
    loadTable();
  });
  on('fleet', (fleet) => { state.fleet = fleet; renderFleet(); });
  on('probes-changed', (changed) => { patchProbes(changed.changes); scheduleTable(TABLE_DEBOUNCE); });
  on('probes-resync', () => loadTable());
  on('database', renderDatabase);
  on('whois', (whois) => { state.whois = whois; renderWhois(); });
  on('campaigns', (campaigns) => { state.campaigns = campaigns; renderCampaigns(); });
  on('alert', (alert) => {
    state.alerts.unshift(alert);
    state.alerts.length = Math.min(state.alerts.length, 50);
    renderAlerts();
  });
}

// ---- probes -----------------------------------------------------------------------------------------------------

function renderFleet() {
  const f = state.fleet;
  $('#fleet-effective').textContent = number(f.effective);
  $('#fleet-ineffective').textContent = number(f.ineffective);
  $('#fleet-quarantined').textContent = number(f.quarantined);
  $('#fleet-revoked').textContent = number(f.revoked);
  $('#fleet-inflight').textContent = number(f.inFlight);
  $('#fleet-rate').textContent = f.answeredPerSecond.toFixed(1);
  const shown = f.total - f.revoked;
  $('#probe-summary').textContent = shown ? number(f.effective) + ' of ' + number(shown) + ' effective' : '';
  if ((table.data && table.data.total === 0 && shown > 0) || f.revoked !== table.revoked) {
    scheduleTable(TABLE_DEBOUNCE);
  }
}

function tableUrl() {
  const params = new URLSearchParams({ page: table.page, size: PAGE_SIZE,
    sort: table.sort + ',' + (table.desc ? 'desc' : 'asc'), q: table.q, state: table.status || SHOWN });
  return '/api/probes?' + params;
}

// At most one fetch in flight; a fetch asked for meanwhile runs after it, with what is asked for then.
function scheduleTable(delay) {
  if (table.timer) return;
  table.timer = setTimeout(() => { table.timer = null; loadTable(); }, delay);
}

async function loadTable() {
  clearTimeout(table.timer);
  table.timer = null;
  if (table.loading) {
    table.again = true;
    return;
  }
  table.loading = true;
  table.loadedAt = Date.now();
  const seq = ++table.seq;
  $('#probes').classList.add('loading');
  try {
    const response = await fetch(tableUrl());
    if (response.ok && seq === table.seq) {
      table.data = await response.json();
      if (table.data.items.length === 0 && table.page > 0 && table.data.pages > 0) {
        // The page we were on is gone (probes removed, a narrower search): show the last one.
        table.page = table.data.pages - 1;
        table.again = true;
      }
      renderProbes();
    }
    await loadRevoked();
  }
  catch (e) {
    // The server is away: the connection badge says so, and the next hello reads the table again.
  }
  finally {
    table.loading = false;
    $('#probes').classList.remove('loading');
    if (table.again) {
      table.again = false;
      loadTable();
    }
  }
}

async function loadRevoked() {
  const revoked = state.fleet ? state.fleet.revoked : 0;
  table.revoked = revoked;
  $('#revoked-section').hidden = revoked === 0;
  if (revoked === 0) return;
  const response = await fetch('/api/probes?' + new URLSearchParams({ state: 'REVOKED', size: PAGE_SIZE, sort: 'name' }));
  if (!response.ok) return;
  const page = await response.json();
  $('#revoked-probes tbody').replaceChildren(...page.items.map((p) => el('tr', { 'data-probe': p.name, 'data-state': 'REVOKED' },
    el('td', {}, p.name), el('td', { 'data-time': p.revokedAt || '' }, ago(p.revokedAt)),
    el('td', {}, p.remoteAddress || '–'), el('td', { class: 'num' }, number(p.completed)))));
}

function stateCell(p) {
  // A quarantined probe is connected but gets no work: say so, and why, in place of its state.
  return p.quarantineReason
    ? el('td', { class: 'state QUARANTINED', title: p.quarantineReason }, 'quarantined: ' + p.quarantineReason)
    : el('td', { class: 'state ' + p.state, title: p.disconnectReason || '' }, p.state.toLowerCase());
}

function renderProbes() {
  const data = table.data;
  const body = $('#probes tbody');
  body.replaceChildren();
  if (data.items.length === 0) {
    const filtered = table.q || table.status;
    body.append(el('tr', { class: 'empty' }, el('td', { colspan: 8 },
      filtered ? 'No probe matches.' : 'No probe has connected yet.')));
  }
  for (const p of data.items) {
    const answered = p.completed + p.failed;
    const failureRate = answered > 0 ? (100 * p.failed / answered).toFixed(1) + ' %' : '–';
    body.append(el('tr', { 'data-probe': p.name, 'data-state': p.state },
      el('td', {}, p.name), stateCell(p), el('td', {}, p.remoteAddress || '–'),
      el('td', { 'data-time': p.lastSeen || '' }, ago(p.lastSeen)),
      el('td', { class: 'num' }, number(p.inFlight)), el('td', { class: 'num' }, number(p.completed)),
      el('td', { class: 'num' }, number(p.throttled)), el('td', { class: 'num' }, failureRate)));
  }
  const pager = $('#probes-page');
  pager.dataset.page = data.page;
  pager.dataset.pages = data.pages;
  pager.textContent = data.pages > 1 ? 'page ' + (data.page + 1) + ' of ' + number(data.pages) + ' · '
    + number(data.total) + ' probes' : number(data.total) + (data.total === 1 ? ' probe' : ' probes');
  $('#probes-prev').disabled = data.page === 0;
  $('#probes-next').disabled = data.page + 1 >= data.pages;
  for (const th of document.querySelectorAll('#probes th[data-sort]')) {
    if (th.dataset.sort === table.sort) th.setAttribute('aria-sort', table.desc ? 'descending' : 'ascending');
    else th.removeAttribute('aria-sort');
  }
}

// Rows shown change state at once; the fetch that follows brings the rest (and rows that now match or not).
function patchProbes(changes) {
  for (const c of changes) {
    const row = document.querySelector('#probes tr[data-probe="' + CSS.escape(c.probe) + '"]');
    if (!row || c.change === 'REMOVED' || c.revoked) continue;
    row.dataset.state = c.state;
    row.children[1].replaceWith(stateCell(c));
  }
}

function initTable() {
  let typing = null;
  $('#probe-search').addEventListener('input', (e) => {
    clearTimeout(typing);
    typing = setTimeout(() => { table.q = e.target.value.trim(); table.page = 0; loadTable(); }, 300);
  });
  $('#probe-filter').addEventListener('submit', (e) => e.preventDefault());
  $('#probe-status').addEventListener('change', (e) => { table.status = e.target.value; table.page = 0; loadTable(); });
  for (const th of document.querySelectorAll('#probes th[data-sort]')) {
    th.tabIndex = 0;
    const sort = () => {
      table.desc = table.sort === th.dataset.sort ? !table.desc : false;
      table.sort = th.dataset.sort;
      table.page = 0;
      loadTable();
    };
    th.addEventListener('click', sort);
    th.addEventListener('keydown', (e) => { if (e.key === 'Enter' || e.key === ' ') { e.preventDefault(); sort(); } });
  }
  $('#probes-prev').addEventListener('click', () => { table.page = Math.max(0, table.page - 1); loadTable(); });
  $('#probes-next').addEventListener('click', () => { table.page += 1; loadTable(); });
}

// ---- WHOIS traffic ----------------------------------------------------------------------------------------------

function renderWhois() {
  const w = state.whois;
  if (!w) return;
  const t = w.traffic;
  $('#whois-rate').textContent = t.lookupsPerSecond.toFixed(2);
  $('#whois-p50').textContent = millis(t.p50Millis);
  $('#whois-p95').textContent = millis(t.p95Millis);
  $('#whois-ok').textContent = number(t.ok);
  $('#whois-throttled').textContent = number(t.throttled);
  $('#whois-failed').textContent = number(t.failed);
  renderChart(t.seconds);
  const body = $('#servers tbody');
  body.replaceChildren();
  for (const s of w.servers) {
    body.append(el('tr', {}, el('td', {}, s.server), el('td', { class: 'num' }, number(s.lookups)),
      el('td', { class: 'num' }, number(s.successes)), el('td', { class: 'num' }, number(s.throttles)),
      el('td', { class: 'num' }, number(s.failures)), el('td', { class: 'num' }, millis(s.medianLatencyMillis)),
      el('td', { class: 'num' }, number(s.queued)), el('td', { class: 'num', title: learned(s) }, rate(s))));
  }
}

function renderChart(seconds) {
  const svg = $('#whois-chart');
  const ns = 'http://www.w3.org/2000/svg';
  svg.replaceChildren();
  const peak = Math.max(1, ...seconds.map((s) => s.ok + s.throttled + s.failed));
  const width = 600 / seconds.length;
  seconds.forEach((s, i) => {
    let y = 80;
    for (const kind of ['ok', 'throttled', 'failed']) {
      const height = (s[kind] / peak) * 76;
      if (height <= 0) continue;
      y -= height;
      const bar = document.createElementNS(ns, 'rect');
      bar.setAttribute('x', (i * width + 0.5).toFixed(1));
      bar.setAttribute('width', (width - 1).toFixed(1));
      bar.setAttribute('y', y.toFixed(1));
      bar.setAttribute('height', height.toFixed(1));
      bar.setAttribute('class', kind);
      svg.append(bar);
    }
  });
}

// ---- campaigns --------------------------------------------------------------------------------------------------

const ACTIONS = { CREATED: ['start', 'cancel'], RUNNING: ['pause', 'cancel'], PAUSED: ['resume', 'cancel'] };

// Why a running campaign makes no progress, its capacity now, and what failed: one line each, empty when nothing to say.
function notes(c) {
  const lines = [];
  if (c.waiting) {
    const until = c.waiting.until ? ' until ' + new Date(c.waiting.until).toLocaleTimeString() : '';
    lines.push(el('p', { class: 'waiting', role: 'status' }, 'Waiting' + until + ': ' + c.waiting.reason));
  }
  if (c.capacity) {
    lines.push(el('p', { class: 'capacity' }, 'Capacity now: ' + c.capacity.probes + ' probe(s), '
      + c.capacity.usableSources + ' usable source(s)' + (c.capacity.resting.length ? ', '
      + c.capacity.resting.length + ' resting' : '')));
  }
  if (c.failures) {
    lines.push(el('p', { class: 'failures', role: 'alert' }, number(c.failures.ips) + ' addresses in '
      + number(c.failures.blocks) + ' blocks FAILED' + (c.failures.reasons.length ? ': ' + c.failures.reasons.join('; ') : '')));
  }
  return el('div', { class: 'notes' }, lines);
}

function eta(c) {
  if (c.state !== 'RUNNING' || !c.progress.eta) return '';
  const seconds = Math.max(0, Math.round((Date.parse(c.progress.eta) - Date.now()) / 1000));
  return seconds < 120 ? 'ETA ' + seconds + ' s' : 'ETA ' + new Date(c.progress.eta).toLocaleString();
}

function renderCampaigns() {
  const box = $('#campaigns');
  const existing = new Map([...box.querySelectorAll('.campaign')].map((node) => [node.dataset.campaign, node]));
  box.replaceChildren();
  if (state.campaigns.length === 0) box.append(el('p', { class: 'empty' }, 'No campaign yet.'));
  for (const c of state.campaigns) {
    const ips = c.progress.ips;
    const done = percent(ips.done, c.totalIps);
    const failed = percent(ips.failed, c.totalIps);
    const leased = percent(ips.leased, c.totalIps);
    const accounted = c.state === 'DONE' ? 100 : percent(ips.done + ips.failed, c.totalIps);
    const rate = c.progress.ipsPerSecond ? c.progress.ipsPerSecond.toFixed(1) + ' IPs/s' : '';
    const heading = el('h3', {}, el('span', {}, '#' + c.id + ' ' + c.name),
      el('span', { class: 'state ' + c.state }, c.state.toLowerCase()), el('span', { class: 'percent' }, accounted + ' %'));
    const bar = el('div', { class: 'bar', 'data-percent': accounted, title: accounted + ' % of addresses accounted for' },
      el('div', { class: 'done', style: 'width:' + done + '%' }),
      el('div', { class: 'failed', style: 'width:' + failed + '%' }),
      el('div', { class: 'leased', style: 'width:' + leased + '%' }));
    const facts = el('div', { class: 'facts' }, [number(ips.done) + ' of ' + number(c.totalIps) + ' IPs',
      number(c.progress.blocks.failed) + ' blocks failed', number(c.progress.domainsFound) + ' domains found',
      rate, eta(c)].filter(Boolean).join(' · '));
    let node = existing.get(String(c.id));
    if (node && node.dataset.state === c.state && node.dataset.failed === String(Boolean(c.failures))) {
      // Same state: only the figures change; the buttons and any error message stay, so a click is never lost.
      node.querySelector('h3').replaceWith(heading);
      node.querySelector('.bar').replaceWith(bar);
      node.querySelector('.facts').replaceWith(facts);
      node.querySelector('.notes').replaceWith(notes(c));
    }
    else {
      const actions = (ACTIONS[c.state] || []).concat(c.failures ? ['retry-failed'] : []);
      const buttons = actions.map((action) =>
        el('button', { type: 'button', 'data-action': action, onclick: () => control(c.id, action) }, action));
      node = el('div', { class: 'campaign', id: 'campaign-' + c.id, 'data-campaign': c.id, 'data-state': c.state,
        'data-failed': String(Boolean(c.failures)) },
        heading, bar, facts, notes(c), el('div', { class: 'actions' }, buttons), el('div', { class: 'error', role: 'alert' }));
    }
    box.append(node);
  }
}

function adminHeaders() {
  const token = $('#token').value.trim();
  return token ? { Authorization: 'Bearer ' + token } : {};
}

async function problem(response) {
  try {
    const body = await response.json();
    return body.detail || body.title || response.statusText;
  }
  catch (e) {
    return response.status + ' ' + response.statusText;
  }
}

async function control(id, action) {
  const box = $('#campaign-' + id + ' .error');
  try {
    const response = await fetch('/api/campaigns/' + id + '/' + action, { method: 'POST', headers: adminHeaders() });
    if (!response.ok) {
      const message = await problem(response);
      const error = $('#campaign-' + id + ' .error');
      if (error) error.textContent = action + ' refused: ' + message;
    }
  }
  catch (e) {
    if (box) box.textContent = action + ' failed: the server cannot be reached';
  }
}

async function createCampaign(event) {
  event.preventDefault();
  const form = event.target;
  form.querySelectorAll('.error').forEach((e) => e.remove());
  const body = {
    name: form.name.value.trim(),
    ranges: form.ranges.value.split(/[\s,]+/).filter(Boolean),
    blockSize: Number(form.blockSize.value) || undefined,
    verify: form.verify.checked,
  };
  try {
    const response = await fetch('/api/campaigns', { method: 'POST',
      headers: Object.assign({ 'Content-Type': 'application/json' }, adminHeaders()), body: JSON.stringify(body) });
    if (response.ok) {
      form.reset();
      $('#new-campaign').open = false;
    }
    else {
      form.append(el('p', { class: 'error', role: 'alert' }, 'Not created: ' + await problem(response)));
    }
  }
  catch (e) {
    form.append(el('p', { class: 'error', role: 'alert' }, 'Not created: the server cannot be reached'));
  }
}

// ---- alerts -----------------------------------------------------------------------------------------------------

function renderAlerts() {
  const list = $('#alerts');
  list.replaceChildren();
  if (state.alerts.length === 0) list.append(el('li', { class: 'empty' }, 'No alert.'));
  for (const a of state.alerts) {
    list.append(el('li', { 'data-kind': a.kind, title: a.body },
      el('time', { datetime: a.at }, new Date(a.at).toLocaleTimeString()), el('strong', {}, a.subject)));
  }
}

// ---- start ------------------------------------------------------------------------------------------------------

$('#token').value = localStorage.getItem('dragnet.adminToken') || '';
$('#token').addEventListener('change', (e) => localStorage.setItem('dragnet.adminToken', e.target.value.trim()));
$('#token-form').addEventListener('submit', (e) => e.preventDefault());
$('#campaign-form').addEventListener('submit', createCampaign);
initTable();
setInterval(() => {
  document.querySelectorAll('#probes td[data-time], #revoked-probes td[data-time]').forEach((td) => { td.textContent = ago(td.dataset.time || null); });
  // Counters and last-seen times move all the time and are not sent as changes: the rows shown are read again
  // every TABLE_REFRESH while the page is looked at.
  if (!document.hidden && table.loadedAt && Date.now() - table.loadedAt > TABLE_REFRESH) scheduleTable(0);
  if (state.lastMessage && Date.now() - state.lastMessage.getTime() > 40000 && state.source) {
    // Not even a heartbeat for 40 s: the connection is dead without the browser noticing.
    setConnection('unreachable', 'Server unreachable');
    connect();
  }
}, 1000);
connect();
