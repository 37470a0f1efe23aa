// bench/channels_feed.mjs - for bench/channels.sh: with "bodies N FILE",
// writes N signed WhatsApp webhook calls (one "signature<TAB>body" line
// each: a text message with a fresh wamid from one of 1,000 citizens);
// with "graph", starts the Graph API stand-in (tests/lib/graph.mjs) with
// every one of those citizens inside the 24-hour window, prints its URL,
// and runs until killed, printing how many messages it accepted on SIGUSR1.
import { writeFileSync } from 'node:fs';
import { inbound, sign, startGraph } from '../tests/lib/graph.mjs';

const CITIZENS = 1000;
const waId = (i) => `62812${String(10000000 + (i % CITIZENS)).slice(-8)}`;

const [cmd, n, file] = process.argv.slice(2);
if (cmd === 'bodies') {
  const lines = [];
  for (let i = 0; i < Number(n); i++) {
    const body = JSON.stringify(inbound({ type: 'text', text: { body: i % 2 ? 'halo' : 'menu' } }, { waId: waId(i), name: `Warga ${i % CITIZENS}` }));
    lines.push(`${sign(body)}\t${body}`);
  }
  writeFileSync(file, lines.join('\n') + '\n');
} else if (cmd === 'graph') {
  const g = await startGraph();
  for (let i = 0; i < CITIZENS; i++) g.userWrote(waId(i));
  process.on('SIGUSR1', () => console.log(`accepted=${g.sent.filter((m) => m.id).length}`));
  process.on('SIGTERM', async () => { await g.close(); process.exit(0); });
  console.log(g.url);
} else {
  console.error('usage: channels_feed.mjs bodies N FILE | graph');
  process.exit(2);
}
