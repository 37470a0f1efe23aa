// A local stand-in for the WhatsApp Business Cloud API (Graph API) for the
// channel tests: POST /{version}/{phone-number-id}/messages with a bearer
// token, the 24-hour rule (free text and lists only to someone who wrote in
// the last 24 hours, else error 131047; templates always), injectable
// failures, and the two-step media download (GET /{version}/{media-id} ->
// a URL that expires; GET it with the same token).  It records what it was
// sent, and signs webhook calls as WhatsApp does (X-Hub-Signature-256).
import { createServer } from 'node:http';
import { createHmac, randomBytes, createHash } from 'node:crypto';

export const WA_TOKEN = 'EAAG-test-token';
export const WA_PHONE_ID = '109876543210';
export const WA_SECRET = 'app-secret-uji';
export const WA_VERIFY = 'verifikasi-uji';
export const WA_VERSION = 'v21.0';

export function sign(body, secret = WA_SECRET) {
  return 'sha256=' + createHmac('sha256', secret).update(body).digest('hex');
}

export async function startGraph() {
  const sent = [];
  const wrote = new Map();      // to -> ms of their last message
  const failFor = new Map();    // to -> sends to refuse with 500
  const media = new Map();      // id -> { bytes, mime }
  const downloads = new Map();  // token -> { id, expires }
  const lapse = new Set();      // ids whose next download URL has already expired
  let seq = 0;
  let base;
  const server = createServer(async (req, res) => {
    const chunks = [];
    for await (const c of req) chunks.push(c);
    const body = Buffer.concat(chunks).toString('utf8');
    const json = (status, data) => { res.writeHead(status, { 'content-type': 'application/json' }); res.end(JSON.stringify(data)); };
    const error = (status, code, message) => json(status, { error: { message, type: 'OAuthException', code, fbtrace_id: 'x' } });
    if (req.headers.authorization !== `Bearer ${WA_TOKEN}`) return error(401, 190, 'Invalid OAuth access token');
    const url = new URL(req.url, base);
    const parts = url.pathname.split('/').filter(Boolean);
    if (parts[0] === 'media-download') {
      const d = downloads.get(url.searchParams.get('t'));
      if (!d || Date.now() > d.expires) return error(404, 100, 'URL expired');
      const m = media.get(d.id);
      res.writeHead(200, { 'content-type': m.mime });
      return res.end(m.bytes);
    }
    if (parts[0] !== WA_VERSION) return error(400, 2500, 'Unknown version');
    if (req.method === 'GET' && parts.length === 2) {
      const m = media.get(parts[1]);
      if (!m) return error(404, 100, 'Unknown media');
      const t = randomBytes(8).toString('hex');
      downloads.set(t, { id: parts[1], expires: lapse.delete(parts[1]) ? 0 : Date.now() + 5 * 60 * 1000 });
      return json(200, { messaging_product: 'whatsapp', url: `${base}/media-download/?t=${t}`, mime_type: m.mime,
        sha256: createHash('sha256').update(m.bytes).digest('hex'), file_size: m.bytes.length, id: parts[1] });
    }
    if (req.method !== 'POST' || parts[1] !== WA_PHONE_ID || parts[2] !== 'messages') return error(404, 100, 'Unknown path');
    const msg = JSON.parse(body);
    if (msg.messaging_product !== 'whatsapp' || !msg.to) return error(400, 100, 'Invalid parameter');
    if (failFor.get(msg.to)) {
      failFor.set(msg.to, failFor.get(msg.to) - 1);
      return error(500, 1, 'An unknown error occurred');
    }
    if (msg.type !== 'template' && !(Date.now() - (wrote.get(msg.to) ?? -Infinity) < 24 * 3600 * 1000)) {
      sent.push({ ...msg, refused: 131047 });
      return error(400, 131047, 'Re-engagement message');
    }
    const id = `wamid.TEST${++seq}`;
    sent.push({ ...msg, id });
    return json(200, { messaging_product: 'whatsapp', contacts: [{ input: msg.to, wa_id: msg.to }], messages: [{ id }] });
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${server.address().port}`;
  return {
    url: base,
    sent,
    // Accepted messages to one recipient.
    to: (to) => sent.filter((m) => m.to === to && m.id),
    // The recipient wrote to us: their 24-hour window opens.
    userWrote(to, when = Date.now()) { wrote.set(to, when); },
    failNext(to, n) { failFor.set(to, n); },
    addMedia(id, bytes, mime) { media.set(id, { bytes, mime }); },
    // The next download URL given for this media has lapsed before use.
    lapseNextUrl(id) { lapse.add(id); },
    close: () => new Promise((resolve) => server.close(resolve)),
  };
}

// The webhook body WhatsApp posts for one inbound message from a user.
export function inbound(message, { waId, userId, name = 'Warga' } = {}) {
  const contact = { profile: { name } };
  if (waId) contact.wa_id = waId;
  if (userId) contact.user_id = userId;
  const m = { id: `wamid.IN${randomBytes(6).toString('hex')}`, timestamp: String(Math.floor(Date.now() / 1000)), ...message };
  if (waId && !m.from) m.from = waId;
  return {
    object: 'whatsapp_business_account',
    entry: [{ id: 'WABA', changes: [{ field: 'messages', value: {
      messaging_product: 'whatsapp', metadata: { display_phone_number: '6281100000000', phone_number_id: WA_PHONE_ID },
      contacts: [contact], messages: [m] } }] }],
  };
}

export function statuses(list) {
  return {
    object: 'whatsapp_business_account',
    entry: [{ id: 'WABA', changes: [{ field: 'messages', value: {
      messaging_product: 'whatsapp', metadata: { display_phone_number: '6281100000000', phone_number_id: WA_PHONE_ID },
      statuses: list } }] }],
  };
}
