// A local stand-in for an HTTP SMS gateway, for the channel tests and
// bench/channels.sh: POST /send with a form (to, text) or JSON body, or GET
// /send?to=&text=, behind HTTP basic auth.  It records what it accepted,
// answers {message_id}, and refuses the next sends to a number with 503 on
// request.
import { createServer } from 'node:http';

export const SMS_USER = 'pendopo';
export const SMS_PASSWORD = 'sandi-sms-uji';

export async function startSms() {
  const messages = [];
  const failFor = new Map();   // to -> sends to refuse with 503
  const waiters = [];
  let seq = 0;
  const server = createServer(async (req, res) => {
    const chunks = [];
    for await (const c of req) chunks.push(c);
    const body = Buffer.concat(chunks).toString('utf8');
    const answer = (status, data) => { res.writeHead(status, { 'content-type': 'application/json' }); res.end(JSON.stringify(data)); };
    const auth = 'Basic ' + Buffer.from(`${SMS_USER}:${SMS_PASSWORD}`).toString('base64');
    if (req.headers.authorization !== auth) return answer(401, { error: 'bad credentials' });
    const url = new URL(req.url, 'http://x');
    if (url.pathname !== '/send') return answer(404, { error: 'unknown path' });
    let fields;
    if (req.method === 'GET') fields = Object.fromEntries(url.searchParams);
    else if (/^application\/json/.test(req.headers['content-type'] || '')) fields = JSON.parse(body);
    else fields = Object.fromEntries(new URLSearchParams(body));
    if (!fields.to || !fields.text) return answer(400, { error: 'to and text are required' });
    const left = failFor.get(fields.to);
    if (left) {
      failFor.set(fields.to, left - 1);
      return answer(503, { error: 'gateway busy' });
    }
    const m = { id: `sms-${++seq}`, to: fields.to, text: fields.text, method: req.method, at: Date.now() };
    messages.push(m);
    for (const w of waiters.splice(0)) w();
    answer(200, { status: 'queued', message_id: m.id });
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${server.address().port}`;
  return {
    url,
    messages,
    to: (number) => messages.filter((m) => m.to === number),
    failNext(number, n) { failFor.set(number, n); },
    close: () => new Promise((r) => { server.closeAllConnections(); server.close(r); }),
  };
}

// The environment that points a server's SMS channel at the stand-in.
export function smsEnv(sms, extra = {}) {
  return {
    PENDOPO_SMS_URL: `${sms.url}/send`, PENDOPO_SMS_USER: SMS_USER, PENDOPO_SMS_PASSWORD: SMS_PASSWORD,
    PENDOPO_OUTBOX_RETRY_SECONDS: '1', PENDOPO_OUTBOX_TIMEOUT: '2', ...extra,
  };
}
