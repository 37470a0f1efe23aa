// A local SMTP sink for the channel tests: EHLO, AUTH PLAIN/LOGIN (checked
// against one user and password), MAIL, RCPT, DATA, QUIT - no TLS, so the
// server under test runs with --smtp-tls none.  It keeps every message it
// accepted (decoded: subject, text and HTML parts), can refuse the next N
// messages to an address with a temporary 451, and can hold its answer to a message until
// released, so a test can stop the server in the middle of a send.
import { createServer } from 'node:net';

export const SMTP_USER = 'pendopo';
export const SMTP_PASSWORD = 'rahasia-smtp';

function decodeWord(s) {
  return s.replace(/=\?UTF-8\?B\?([^?]*)\?=/gi, (_, b) => Buffer.from(b, 'base64').toString('utf8'));
}

// The headers and base64 parts of a multipart/alternative message.
export function parseMessage(raw) {
  const [head, ...rest] = raw.split('\r\n\r\n');
  const body = rest.join('\r\n\r\n');
  const headers = {};
  for (const line of head.split('\r\n')) {
    const i = line.indexOf(':');
    if (i > 0) headers[line.slice(0, i).toLowerCase()] = line.slice(i + 1).trim();
  }
  const m = /boundary="([^"]+)"/.exec(headers['content-type'] || '');
  const parts = {};
  if (m) {
    for (const part of body.split('--' + m[1])) {
      const [ph, ...pb] = part.split('\r\n\r\n');
      const type = /Content-Type: ([^;\r\n]+)/i.exec(ph);
      if (type) parts[type[1]] = Buffer.from(pb.join('').replace(/\s+/g, ''), 'base64').toString('utf8');
    }
  }
  return { headers, subject: decodeWord(headers.subject || ''), text: parts['text/plain'], html: parts['text/html'] };
}

export async function startSmtp() {
  const messages = [];
  const sink = { failFor: new Map(), holding: null };
  const server = createServer((sock) => {
    let buf = '';
    let inData = false;
    let authStep = null;
    let authed = false;
    let env = { from: null, to: [] };
    const say = (line) => sock.write(line + '\r\n');
    const finish = (raw) => {
      if (!authed) return say('530 5.7.0 authentication required');
      const left = env.to.reduce((n, a) => n + (sink.failFor.get(a) || 0), 0);
      if (left > 0) {
        env.to.forEach((a) => { if (sink.failFor.get(a)) sink.failFor.set(a, sink.failFor.get(a) - 1); });
        return say('451 4.3.0 try again later');
      }
      const msg = { ...env, raw, ...parseMessage(raw) };
      messages.push(msg);
      if (sink.holding && (!sink.holding.address || env.to.includes(sink.holding.address))) {
        const release = () => { if (!sock.destroyed) say('250 2.0.0 queued'); };
        sink.holding.held.push(release);
        sink.holding.arrived(msg);
      } else {
        say('250 2.0.0 queued');
      }
    };
    const checkPlain = (b64) => {
      const parts = Buffer.from(b64, 'base64').toString('utf8').split('\0');
      return parts[1] === SMTP_USER && parts[2] === SMTP_PASSWORD;
    };
    sock.on('error', () => {});
    sock.on('data', (d) => {
      buf += d.toString('latin1');
      for (;;) {
        if (inData) {
          const end = buf.indexOf('\r\n.\r\n');
          if (end < 0) return;
          const raw = Buffer.from(buf.slice(0, end), 'latin1').toString('utf8').replace(/\r\n\.\./g, '\r\n.');
          buf = buf.slice(end + 5);
          inData = false;
          finish(raw);
          continue;
        }
        const i = buf.indexOf('\r\n');
        if (i < 0) return;
        const line = buf.slice(0, i);
        buf = buf.slice(i + 2);
        if (authStep === 'plain') {
          authStep = null;
          authed = checkPlain(line);
          say(authed ? '235 2.7.0 ok' : '535 5.7.8 bad credentials');
          continue;
        }
        if (authStep === 'login-user') { sink.loginUser = Buffer.from(line, 'base64').toString(); authStep = 'login-pass'; say('334 UGFzc3dvcmQ6'); continue; }
        if (authStep === 'login-pass') {
          authStep = null;
          authed = sink.loginUser === SMTP_USER && Buffer.from(line, 'base64').toString() === SMTP_PASSWORD;
          say(authed ? '235 2.7.0 ok' : '535 5.7.8 bad credentials');
          continue;
        }
        const cmd = line.split(' ')[0].toUpperCase();
        if (cmd === 'EHLO' || cmd === 'HELO') { say('250-sink.test'); say('250-AUTH PLAIN LOGIN'); say('250 8BITMIME'); }
        else if (cmd === 'AUTH') {
          const [, mech, initial] = line.split(' ');
          if (mech.toUpperCase() === 'PLAIN') {
            if (initial) { authed = checkPlain(initial); say(authed ? '235 2.7.0 ok' : '535 5.7.8 bad credentials'); }
            else { authStep = 'plain'; say('334 '); }
          } else { authStep = 'login-user'; say('334 VXNlcm5hbWU6'); }
        } else if (cmd === 'MAIL') { env = { from: /<([^>]*)>/.exec(line)?.[1], to: [] }; say('250 2.1.0 ok'); }
        else if (cmd === 'RCPT') { env.to.push(/<([^>]*)>/.exec(line)?.[1]); say('250 2.1.5 ok'); }
        else if (cmd === 'DATA') { inData = true; say('354 go ahead'); }
        else if (cmd === 'RSET') { env = { from: null, to: [] }; say('250 ok'); }
        else if (cmd === 'NOOP') say('250 ok');
        else if (cmd === 'QUIT') { say('221 bye'); sock.end(); }
        else say('502 5.5.2 not implemented');
      }
    });
    say('220 sink.test ESMTP');
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    messages,
    port: server.address().port,
    // The next n messages to address are refused with 451.
    failNext(address, n) { sink.failFor.set(address, n); },
    // The next message (to address) is taken but not answered until release(): resolves
    // with the message once it has fully arrived.
    hold(address) {
      return new Promise((arrived) => { sink.holding = { held: [], arrived, address }; });
    },
    release() { const h = sink.holding; sink.holding = null; if (h) h.held.forEach((f) => f()); },
    close: () => new Promise((resolve) => { server.close(resolve); }),
    server,
  };
}
