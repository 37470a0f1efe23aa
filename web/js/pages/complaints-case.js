// Matur Bupati: one complaint as its reporter (signed in, or through the
// secret link #key=…) or the public sees it — status, deadlines, timeline,
// photos; the reporter replies, reopens and rates; others say "me too"
// and, signed in, follow it.
// ?mine=1 lists the signed-in user's own complaints instead.
import '../i18n/complaints.js';
import { h, replace, $ } from '../dom.js';
import { get } from '../api.js';
import { t, onLangChange, errorMessage } from '../i18n.js';
import { setupForm } from '../forms.js';
import { formatDate, formatDateTime, formatNumber } from '../format.js';
import { loading, loadFailed, flash, field } from '../ui.js';
import { initPage } from '../layout.js';
import { createMap } from '../map.js';
import { caseRequest, stateBadge, kindLabel, catName, photoGallery, timeline, clockTable, followComplaints, typingIn } from '../complaints.js';

const params = new URLSearchParams(location.search);
const no = (params.get('no') || '').toUpperCase();
// The key stays in the fragment: never sent in a URL, never in a log.
const key = new URLSearchParams(location.hash.slice(1)).get('key') || sessionStorage.getItem(`pendopo.key.${no}`);
if (key && no) sessionStorage.setItem(`pendopo.key.${no}`, key);
const root = $('#case');
let data = null;

function replyForm(d) {
  const text = h('textarea', { name: 'text', rows: '4', maxlength: '4000', required: true });
  const answered = d.complaint.state === 'answered';
  const form = h('form', { class: 'form card', id: 'reply-form', novalidate: true },
    h('h2', { class: 'card-title' }, answered ? t('case.reply_reopen') : t('case.reply')),
    answered ? h('p', { class: 'hint' }, t('case.reply_reopen_hint', { date: formatDate(d.complaint.due) })) : null,
    field({ label: t('case.message'), control: text }),
    h('div', { class: 'form-actions' }, h('button', { type: 'submit', class: 'btn btn-primary' }, t('case.send'))));
  setupForm(form, {
    async submit(v) {
      data = await caseRequest('POST', `/api/complaints/${encodeURIComponent(no)}/messages`, { text: v.text }, key);
      flash(t('case.sent'));
      render();
    },
  });
  return form;
}

// Nothing is chosen for the reporter: an untouched form cannot close the
// case with a score nobody gave.
function choices(name, legend, options) {
  return h('fieldset', { class: 'fieldset' }, h('legend', {}, legend),
    h('div', { class: 'choice-list' }, options.map(([value, label]) => {
      const id = `${name}-${value}`;
      return h('div', { class: 'choice' },
        h('input', { type: 'radio', name, id, value, required: true }),
        h('label', { for: id }, h('span', { class: 'choice-main' }, label)));
    })));
}

function rateForm() {
  const comment = h('textarea', { name: 'comment', rows: '3', maxlength: '1000' });
  const form = h('form', { class: 'form card', id: 'rate-form', novalidate: true },
    h('h2', { class: 'card-title' }, t('case.rate')),
    choices('score', t('case.score'), [5, 4, 3, 2, 1].map((n) => [String(n), t('case.score_n', { n })])),
    choices('satisfied', t('case.satisfied_q'), [['yes', t('case.satisfied_yes')], ['no', t('case.satisfied_no')]]),
    field({ label: t('case.comment'), control: comment, optional: true }),
    h('div', { class: 'form-actions' }, h('button', { type: 'submit', class: 'btn btn-primary' }, t('case.rate_submit'))));
  setupForm(form, {
    async submit(v) {
      data = await caseRequest('POST', `/api/complaints/${encodeURIComponent(no)}/rating`,
        { score: Number(v.score), satisfied: v.satisfied === 'yes', comment: v.comment || null }, key);
      flash(t('case.rated'));
      render();
    },
  });
  return form;
}

function supportButton(c) {
  const btn = h('button', { type: 'button', class: 'btn btn-secondary', id: 'support' }, t('complaints.me_too'));
  btn.addEventListener('click', async () => {
    btn.disabled = true;
    try {
      const r = await caseRequest('POST', `/api/complaints/${encodeURIComponent(c.tracking)}/support`, {});
      btn.textContent = t('complaints.supported', { n: formatNumber(r.supporters) });
    } catch (e) {
      btn.disabled = false;
      flash(errorMessage(e), 'error');
    }
  });
  return btn;
}

// Following: a signed-in citizen who did not file it is told of its state
// changes; a visitor is offered to sign in for it.
function followBox(c) {
  if (!data.can.follow) {
    if (data.viewer !== 'public' || c.confidential || (ctx && ctx.user)) return null;
    const next = `${location.pathname}${location.search}`;
    return h('p', { class: 'card', id: 'follow' }, h('a', { href: `/login.html?next=${encodeURIComponent(next)}` }, t('case.follow_login')));
  }
  const btn = h('button', { type: 'button', class: ['btn', data.following ? 'btn-secondary' : 'btn-primary'], id: 'follow-button',
    'aria-pressed': data.following ? 'true' : 'false' }, t(data.following ? 'case.unfollow' : 'case.follow'));
  btn.addEventListener('click', async () => {
    btn.disabled = true;
    try {
      const r = await caseRequest(data.following ? 'DELETE' : 'POST', `/api/complaints/${encodeURIComponent(c.tracking)}/follow`);
      data.following = r.following;
      render();
      flash(t(r.following ? 'case.followed' : 'case.unfollowed'));
    } catch (e) {
      btn.disabled = false;
      flash(errorMessage(e), 'error');
    }
  });
  return h('section', { class: 'card', id: 'follow' },
    h('p', {}, t(data.following ? 'case.following_note' : 'case.follow_note')), btn);
}

function render() {
  if (!data) return;
  const c = data.complaint;
  const loc = c.location;
  const mapBox = h('div', { class: 'map-box map-small', id: 'case-map' });
  replace(root,
    h('div', { class: 'page-head' }, h('div', {},
      h('p', { class: 'case-meta' }, stateBadge(c.state, c.overdue), ' ', h('span', { class: 'chip' }, kindLabel(c.kind)), ' ',
        h('span', { class: 'chip' }, catName(c.category)), c.confidential ? [' ', h('span', { class: 'badge badge-internal' }, t('complaints.confidential'))] : null),
      h('h1', { class: 'tracking-title' }, c.tracking),
      h('p', { class: 'lead' }, data.viewer === 'reporter' ? t('case.yours') : t('case.public_note')))),
    h('div', { class: 'case-grid' },
      h('div', { class: 'stack' },
        h('section', { class: 'card' },
          h('h2', { class: 'card-title' }, t('complaints.description')),
          h('p', { class: 'case-description' }, c.description),
          c.photos.length ? photoGallery(c.photos, key) : null),
        h('section', { class: 'card', id: 'case-timeline' }, h('h2', { class: 'card-title' }, t('case.timeline')), timeline(data.timeline)),
        data.can.reply ? replyForm(data) : null,
        data.can.rate ? rateForm() : null,
        c.rating ? h('p', { class: 'card' }, t('case.your_rating', { n: c.rating.score }), c.rating.satisfied ? ` · ${t('case.satisfied')}` : '') : null),
      h('div', { class: 'stack' },
        h('section', { class: 'card' }, h('dl', { class: 'details' },
          h('dt', {}, t('case.unit')), h('dd', {}, c.unit ? c.unit.name : '—'),
          h('dt', {}, t('case.due')), h('dd', {}, c.due ? formatDate(c.due) : '—'),
          h('dt', {}, t('case.filed')), h('dd', {}, formatDateTime(c.created_at)),
          h('dt', {}, t('complaints.location')), h('dd', {}, [loc.address, loc.village && loc.village.nama, loc.district && loc.district.nama].filter(Boolean).join(', ') || '—'),
          h('dt', {}, t('case.supporters')), h('dd', {}, formatNumber(c.supporters)),
          c.reporter ? [h('dt', {}, t('case.reporter')), h('dd', {}, c.anonymous ? t('case.anonymous_you') : (c.reporter.name || '—'))] : null)),
        loc.lat !== null ? mapBox : null,
        data.can.support ? supportButton(c) : null,
        followBox(c),
        h('section', { class: 'card' }, h('h2', { class: 'card-title' }, t('complaints.clocks')), clockTable(data.clocks)))));
  if (loc.lat !== null) createMap(mapBox, { center: [loc.lat, loc.long], zoom: 15, label: t('complaints.location') }).then((m) => m && m.setPin(loc.lat, loc.long));
}

async function mine() {
  replace(root, h('h1', {}, t('complaints.mine')), h('ul', { class: 'case-list', id: 'mine' }));
  const d = await get('/api/complaints/mine', { page_size: 100 });
  replace($('#mine'), d.items.length ? d.items.map((c) => h('li', { class: 'case-card' },
    h('p', { class: 'case-meta' }, h('a', { href: `/complaints/case.html?no=${encodeURIComponent(c.tracking)}` }, c.tracking), ' ', stateBadge(c.state)),
    h('p', { class: 'case-text' }, c.excerpt))) : h('li', {}, t('complaints.none')));
}

// A change to this complaint (the reporter's own, signed in): the page
// follows it, keeping a half-written reply by refreshing only the timeline.
async function refresh(ev) {
  if (ev.ref !== no) return;
  try {
    const fresh = await caseRequest('GET', `/api/complaints/${encodeURIComponent(no)}`, undefined, key);
    const box = $('#case-timeline');
    if (typingIn(root) && box) {
      data.timeline = fresh.timeline;
      replace(box, h('h2', { class: 'card-title' }, t('case.timeline')), timeline(fresh.timeline));
    } else {
      data = fresh;
      render();
    }
  } catch { /* the next change tries again */ }
}

onLangChange(render);
const ctx = await initPage({ active: 'complaints', auth: params.has('mine') });
if (params.has('mine')) {
  await mine().catch((e) => loadFailed(root, t('common.load_failed', { message: errorMessage(e) })));
} else if (!/^[A-Z]{2}-\d{4}-\d{6,}$/.test(no)) {
  loadFailed(root, t('case.bad_number'));
} else {
  loading(root);
  try {
    data = await caseRequest('GET', `/api/complaints/${encodeURIComponent(no)}`, undefined, key);
    render();
    if (ctx && ctx.user && data.viewer === 'reporter') followComplaints([`user/${ctx.user.id}`], refresh);
  } catch (e) {
    loadFailed(root, e.status === 404 ? t('case.not_found') : t('common.load_failed', { message: errorMessage(e) }));
  }
}
