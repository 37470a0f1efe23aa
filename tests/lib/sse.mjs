// A minimal Server-Sent Events reader over fetch, for tests: resolves the
// next event whose name matches, with its parsed JSON data.
export async function openEvents(url, topics, headers = {}) {
  const ctrl = new AbortController();
  const res = await fetch(`${url}/api/events?topics=${encodeURIComponent(topics)}`, { headers, signal: ctrl.signal });
  if (res.status !== 200) {
    const text = await res.text();
    return { status: res.status, text, close() {} };
  }
  const reader = res.body.getReader();
  const decoder = new TextDecoder();
  let buf = '';
  const queue = [];
  const waiters = [];
  (async () => {
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        buf += decoder.decode(value, { stream: true });
        let i;
        while ((i = buf.indexOf('\n\n')) >= 0) {
          const frame = buf.slice(0, i);
          buf = buf.slice(i + 2);
          const ev = { event: 'message', data: '' };
          for (const line of frame.split('\n')) {
            if (line.startsWith('event: ')) ev.event = line.slice(7);
            else if (line.startsWith('data: ')) ev.data += line.slice(6);
            else if (line.startsWith('id: ')) ev.id = line.slice(4);
          }
          if (!ev.data) continue;
          ev.json = JSON.parse(ev.data);
          const w = waiters.shift();
          if (w) w(ev); else queue.push(ev);
        }
      }
    } catch { /* aborted */ }
  })();
  return {
    status: 200,
    headers: res.headers,
    next(timeoutMs = 5000) {
      if (queue.length) return Promise.resolve(queue.shift());
      return new Promise((resolve, reject) => {
        const t = setTimeout(() => reject(new Error(`no event within ${timeoutMs} ms`)), timeoutMs);
        waiters.push((ev) => { clearTimeout(t); resolve(ev); });
      });
    },
    close() { ctrl.abort(); },
  };
}
