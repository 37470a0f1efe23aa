// Weight on a cheap phone's slow link (tests/lib/weight.mjs): the home page
// and the complaint form must stay under 150 KiB on a first visit and
// 20 KiB on a repeat visit.  Bytes, not time: how soon the page can be used
// depends on the machine, and is bench/weight.mjs's figure.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer } from '../lib/server.mjs';
import { PAGES, launch, visits } from '../lib/weight.mjs';

const FIRST_KIB = 150;
const REPEAT_KIB = 20;

let srv;
let browser;

before(async () => {
  srv = await startServer({ demo: true });
  browser = await launch();
});

after(async () => {
  if (browser) await browser.close();
  if (srv) await srv.stop();
});

for (const p of PAGES) {
  test(`${p.name} on slow 4G: ${FIRST_KIB} KiB at most first, ${REPEAT_KIB} KiB again`, async () => {
    const [first, repeat] = await visits(browser, srv.url, p);
    assert.ok(first.kib <= FIRST_KIB, `${p.name}: first visit ${first.kib.toFixed(1)} KiB > ${FIRST_KIB}`);
    assert.ok(repeat.kib <= REPEAT_KIB, `${p.name}: repeat visit ${repeat.kib.toFixed(1)} KiB > ${REPEAT_KIB}`);
  });
}
