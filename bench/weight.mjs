// bench/weight.mjs - how soon a page can be used on a cheap phone's slow
// link (tests/lib/weight.mjs: 150 ms round trip, 1.6 Mbit/s), against a
// budget of 2.5 s on a first visit.  Serves the demo with PENDOPO_BIN (or
// build/pendopo); the median of BENCH_REPEAT (3) first visits per page.
// Prints per page a LAT line and
//   BENCH name=<page>_ready value=<ms> unit=ms ratio=<budget/ms> target=1
// (ratio 1 or more: within the budget).  Run it on a quiet machine.
import { startServer } from '../tests/lib/server.mjs';
import { PAGES, launch, visits } from '../tests/lib/weight.mjs';

const BUDGET_MS = 2500;
const REPEAT = Number(process.env.BENCH_REPEAT || 3);

const srv = await startServer({ demo: true });
const browser = await launch();
try {
  for (const p of PAGES) {
    const runs = [];
    for (let i = 0; i < REPEAT; i++) runs.push(await visits(browser, srv.url, p));
    const ms = runs.map(([first]) => first.ms).sort((a, b) => a - b);
    const median = ms[Math.floor(ms.length / 2)];
    console.log(`LAT name=${p.name}_ready runs=[ ${ms.join(' ')} ] first_kib=${runs[0][0].kib.toFixed(1)}` +
      ` repeat_kib=${runs[0][1].kib.toFixed(1)} repeat_ms=${runs[0][1].ms}`);
    console.log(`BENCH name=${p.name}_ready value=${median} unit=ms ratio=${(BUDGET_MS / median).toFixed(2)} target=1`);
  }
} finally {
  await browser.close();
  await srv.stop();
}
