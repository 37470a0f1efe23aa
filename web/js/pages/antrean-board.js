// The waiting room's display board (a TV, full screen): the number called
// last and where to go, every open counter's current number, the next
// numbers of each line.  Live through Server-Sent Events; each call rings a
// chime (WebAudio) and is announced in Indonesian with the browser's
// speech synthesis ("Nomor antrean A 12, silakan ke Poli Umum"), using an
// id-ID voice when the browser has one.  Browsers allow sound only after a
// click, hence the "turn sound on" button.
import '../i18n/queue.js';
import { h, replace, $ } from '../dom.js';
import { get, seg } from '../api.js';
import { t, applyI18n, onLangChange } from '../i18n.js';
import { loadFacilities, loadFacility, follow, throttle, timeWIB } from '../antrean.js';

const fc = new URLSearchParams(location.search).get('fc');
const els = {
  title: $('#board-title'), clock: $('#board-clock'), number: $('#board-call-number'), where: $('#board-call-counter'),
  counters: $('#board-counters'), lines: $('#board-lines'), sound: $('#board-sound'), full: $('#board-fullscreen'),
};
let board = null;
let audio = null;
let announcing = Promise.resolve();

// The service clock (PENDOPO_CLOCK in a demo), not the TV's: the server's
// time at the last read of the board, run on by the browser's clock.
let clockOffset = 0;
function tick() { els.clock.textContent = `${timeWIB(new Date(Date.now() + clockOffset).toISOString())} WIB`; }

function showCall(label, counter) {
  els.number.textContent = label;
  els.where.textContent = counter ? t('antrean.board_go', { counter }) : '';
  els.number.classList.remove('is-new');
  // Restart the highlight animation for a new call.
  void els.number.offsetWidth;
  els.number.classList.add('is-new');
}

function render() {
  if (!board) return;
  els.title.textContent = board.facility.name;
  replace(els.counters, board.counters.length
    ? board.counters.map((k) => h('li', { class: ['board-counter', `is-${k.status}`], dataset: { counter: k.id } },
      h('span', { class: 'board-counter-name' }, k.name),
      h('span', { class: 'board-counter-number' }, k.status === 'paused' ? t('antrean.counter.paused') : (k.label || '—')),
      h('span', { class: 'board-counter-service' }, k.status === 'paused' && k.pause_reason ? k.pause_reason : k.service_name)))
    : [h('li', { class: 'board-counter is-closed' }, t('antrean.board_no_counters'))]);
  replace(els.lines, board.lines.filter((l) => l.next.length).map((l) => h('div', { class: 'board-line' },
    h('h3', {}, l.name),
    h('ol', {}, l.next.map((label) => h('li', {}, label))))));
  if (!board.lines.some((l) => l.next.length)) replace(els.lines, h('p', { class: 'board-empty' }, t('antrean.board_nobody')));
}

async function load() {
  try {
    board = await get(`/api/queue/facilities/${seg(fc)}/board`);
    clockOffset = Date.parse(board.now) - Date.now();
    tick();
    if (els.number.textContent === '—' && board.recent.length) {
      const last = board.recent[0];
      showCall(last.label, last.counter || last.service_name);
    }
    render();
  } catch {
    // keep what is on screen; the next event or reconnect tries again
  }
}
const refresh = throttle(load, 400);

// ---- sound -------------------------------------------------------------------

function chime() {
  if (!audio) return Promise.resolve();
  const now = audio.currentTime;
  // A two-note "ding-dong": G5 then E5.
  for (const [i, freq] of [[0, 784], [1, 659]]) {
    const osc = audio.createOscillator();
    const gain = audio.createGain();
    osc.type = 'sine';
    osc.frequency.value = freq;
    const start = now + i * 0.45;
    gain.gain.setValueAtTime(0.0001, start);
    gain.gain.exponentialRampToValueAtTime(0.4, start + 0.03);
    gain.gain.exponentialRampToValueAtTime(0.0001, start + 0.9);
    osc.connect(gain).connect(audio.destination);
    osc.start(start);
    osc.stop(start + 0.95);
  }
  return new Promise((resolve) => setTimeout(resolve, 1400));
}

function indonesianVoice() {
  const voices = window.speechSynthesis ? speechSynthesis.getVoices() : [];
  return voices.find((v) => v.lang === 'id-ID') || voices.find((v) => /^id\b|^id[-_]/i.test(v.lang)) || null;
}

function speak(text) {
  if (!audio || !window.speechSynthesis) return Promise.resolve();
  return new Promise((resolve) => {
    const u = new SpeechSynthesisUtterance(text);
    u.lang = 'id-ID';
    const voice = indonesianVoice();
    if (voice) u.voice = voice;
    u.rate = 0.9;
    u.onend = resolve;
    u.onerror = resolve;
    speechSynthesis.speak(u);
  });
}

// "A-012" at "Poli Umum" → "Nomor antrean A 12, silakan ke Poli Umum".
function announcement(ev) {
  const number = ev.number ? String(ev.number) : ev.label;
  return `Nomor antrean ${ev.prefix ? `${ev.prefix.split('').join(' ')} ` : ''}${number}, silakan ke ${ev.counter}`;
}

function announce(ev) {
  announcing = announcing.then(chime).then(() => speak(announcement(ev)));
}

function enableSound() {
  const Ctx = window.AudioContext || window.webkitAudioContext;
  if (Ctx && !audio) audio = new Ctx();
  if (audio && audio.state === 'suspended') audio.resume();
  els.sound.hidden = true;
  announcing = announcing.then(chime);
}

// ---- page ---------------------------------------------------------------------

async function facilityPicker() {
  const list = await loadFacilities().catch(() => []);
  replace($('#main'), h('div', { class: 'board-picker' },
    h('h1', {}, t('antrean.board_pick')),
    h('ul', {}, list.map((f) => h('li', {}, h('a', { href: `/antrean/layar.html?fc=${encodeURIComponent(f.code)}` }, f.name))))));
}

applyI18n();
onLangChange(render);
tick();
setInterval(tick, 10000);
els.sound.addEventListener('click', enableSound);
els.full.addEventListener('click', () => {
  if (document.fullscreenElement) document.exitFullscreen();
  else document.documentElement.requestFullscreen().catch(() => {});
});
if (!fc) {
  await facilityPicker();
} else {
  await load();
  const f = await loadFacility(fc).catch(() => null);
  const services = f ? f.services.map((s) => s.code) : (board ? board.lines.map((l) => l.service) : []);
  follow(fc, services, (ev) => {
    if (ev && ev.type === 'call') {
      showCall(ev.label, ev.counter);
      announce(ev);
    }
    refresh();
  });
}
