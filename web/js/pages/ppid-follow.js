// PPID: one request as the public register shows it (?no=) - what was
// asked, the outcome, the objection, the dispute and the public history,
// never the requester - kept up to date live as the request moves.
import '../i18n/ppid.js';
import { h, replace, $ } from '../dom.js';
import { get } from '../api.js';
import { t, errorMessage, onLangChange } from '../i18n.js';
import { loading, loadFailed } from '../ui.js';
import { initPage } from '../layout.js';
import { formatDate } from '../format.js';
import { stateBadge, timeline } from '../ppid.js';

const root = $('#entry');
const no = new URLSearchParams(location.search).get('no') || '';
let data = null;

function render() {
  if (!data) return;
  const q = data.request, obj = q.objection, dsp = q.dispute;
  replace(root,
    h('div', { class: 'page-head' },
      h('p', { class: 'case-meta' }, stateBadge(q.state, q.overdue), ' · ', q.agency.name || ''),
      h('h1', { class: 'tracking-title', id: 'tracking' }, q.tracking),
      h('p', { class: 'lead' }, q.information)),
    h('div', { class: 'stack' },
      h('section', { class: 'card', id: 'summary' },
        h('p', {}, t('ppid.follow_received', { day: formatDate(q.received_day) }),
          q.working_days_taken !== null ? ` · ${t('ppid.days_taken', { days: q.working_days_taken })}` : ''),
        q.outcome ? h('p', {}, h('strong', {}, t(`ppid.state.${q.outcome}`)),
          q.ground ? ` · ${t('ppid.ground', { letter: q.ground.letter })} — ${q.ground.name}` : '') : null,
        obj ? h('p', {}, t('ppid.objection'), ' · ', formatDate(obj.filed_day),
          obj.decision ? ` · ${t(`ppid.decision.${obj.decision}`)}` : '') : null,
        dsp ? h('p', { id: 'dispute' }, t('ppid.dispute'), ': ', dsp.registration_number, ' · ',
          dsp.outcome ? t(`ppid.outcome.${dsp.outcome}`) : t('ppid.dispute_open')) : null,
        h('p', { class: 'hint' }, t('ppid.follow_live'))),
      h('section', { class: 'card', id: 'timeline' }, h('h2', { class: 'card-title' }, t('ppid.timeline')), timeline(data.timeline))));
}

async function load() {
  data = await get(`/api/inforeq/register/${encodeURIComponent(no)}`);
  render();
}

// Every committed change of the request arrives on its public topic; the
// page reads the entry again (the event says only that it moved).
function follow(topic) {
  if (typeof EventSource === 'undefined') return;
  const src = new EventSource(`/api/events?topics=${encodeURIComponent(topic)}`);
  src.addEventListener(topic, () => load().catch(() => null));
}

onLangChange(render);
await initPage({ active: 'ppid' });
loading(root);
try {
  await load();
  follow(data.follow);
} catch (e) {
  loadFailed(root, t('common.load_failed', { message: errorMessage(e) }));
}
