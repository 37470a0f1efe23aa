// survei.js — what the survey's pages share: the questionnaire (nine
// questions with four answers each, then the optional profile and
// comment), periods in WIB, and the IKM and its grade as shown.
import './i18n/survey.js';
import { h } from './dom.js';
import { t, getLang } from './i18n.js';
import { formatNumber, todayWIB } from './format.js';

const PROFILE = [
  ['age_group', 'survey.age', ['u20', '20_29', '30_39', '40_49', '50_59', '60_plus']],
  ['sex', 'survey.sex', ['l', 'p']],
  ['education', 'survey.edu', ['sd', 'smp', 'sma', 'd1_d3', 's1', 's2_plus']],
  ['occupation', 'survey.job', ['pns', 'tni_polri', 'swasta', 'wirausaha', 'pelajar', 'lainnya']],
];

const inLang = (pair) => (getLang() === 'en' && pair.en) || pair.id;

// The nine questions as fieldsets of radio choices, large enough for a
// thumb on a small phone; answers are named q1..q9 and worth 1..4.
export function questionFields(questions) {
  return questions.map((q, i) => h('fieldset', { class: 'fieldset survey-q' },
    h('legend', {}, h('span', { class: 'hint survey-q-n' }, t('survey.question_n', { n: i + 1 })), ' ',
      h('span', { class: 'survey-q-text' }, inLang(q.question))),
    h('div', { class: 'choice-list survey-choices' }, q.options.map((o) => {
      const id = `${q.field}-${o.value}`;
      return h('div', { class: 'choice' },
        h('input', { type: 'radio', name: q.field, id, value: String(o.value), required: true }),
        h('label', { for: id }, h('span', { class: 'choice-main' }, inLang(o))));
    }))));
}

// The optional profile and the free comment.
export function profileFields() {
  const selects = PROFILE.map(([name, prefix, values]) => {
    const id = `survey-${name}`;
    return h('div', { class: 'field' },
      h('label', { for: id }, t(`survey.${name}`)),
      h('select', { id, name }, h('option', { value: '' }, t('survey.opt.none')),
        values.map((v) => h('option', { value: v }, t(`${prefix}.${v}`)))));
  });
  return [
    h('fieldset', { class: 'fieldset' }, h('legend', {}, t('survey.profile')), h('div', { class: 'grid-2' }, selects)),
    h('div', { class: 'field' },
      h('label', { for: 'survey-comment' }, t('survey.comment')),
      h('textarea', { id: 'survey-comment', name: 'comment', rows: '3', maxlength: '1000', 'aria-describedby': 'survey-comment-hint' }),
      h('p', { class: 'hint', id: 'survey-comment-hint' }, t('survey.comment_hint'))),
  ];
}

// The request body from the form's values: numbers for the answers, null
// for what was left out.
export function answersBody(v) {
  const body = {};
  for (let i = 1; i <= 9; i++) body[`q${i}`] = Number(v[`q${i}`]);
  for (const [name] of PROFILE) body[name] = v[name] || null;
  body.comment = v.comment || null;
  return body;
}

// ---- periods (WIB) -------------------------------------------------------------

export const KINDS = ['semester', 'quarter', 'month', 'year'];

export function periodOf(kind, day = todayWIB()) {
  const y = day.slice(0, 4), m = Number(day.slice(5, 7));
  if (kind === 'year') return y;
  if (kind === 'semester') return `${y}-S${m <= 6 ? 1 : 2}`;
  if (kind === 'quarter') return `${y}-Q${Math.ceil(m / 3)}`;
  return day.slice(0, 7);
}

export function kindOf(period) {
  if (/^\d{4}$/.test(period)) return 'year';
  if (/^\d{4}-S[12]$/.test(period)) return 'semester';
  if (/^\d{4}-Q[1-4]$/.test(period)) return 'quarter';
  return /^\d{4}-\d{2}$/.test(period) ? 'month' : null;
}

// The last n periods of a kind, newest first.
export function recentPeriods(kind, n = 8) {
  const out = [];
  let [y, m] = todayWIB().split('-').map(Number);
  const step = { year: 12, semester: 6, quarter: 3, month: 1 }[kind];
  for (let i = 0; i < n; i++) {
    out.push(periodOf(kind, `${y}-${String(m).padStart(2, '0')}-01`));
    m -= step;
    while (m < 1) { m += 12; y -= 1; }
  }
  return out;
}

// ---- figures -----------------------------------------------------------------------

export const ikmText = (v) => (v == null ? '—' : formatNumber(v, { minimumFractionDigits: 2, maximumFractionDigits: 2 }));
export const nrrText = (v) => (v == null ? '—' : formatNumber(v, { minimumFractionDigits: 3, maximumFractionDigits: 3 }));

export function gradeBadge(grade) {
  return grade ? h('span', { class: `grade grade-${grade}` }, t(`survey.grade.${grade}`)) : null;
}
