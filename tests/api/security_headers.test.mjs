// Every answer carries the security headers: every page of the front end
// (found by walking web/, so a new page is covered without listing it), the
// 404 page, a script, the API's JSON and its errors, a preflight.  Pages get
// a CSP without 'unsafe-inline', which holds only if no page has inline
// script, style or event handlers: that is checked on the files too.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { startServer, ROOT } from '../lib/server.mjs';

const WEB = join(ROOT, 'web');
function pages(dir = WEB) {
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    if (statSync(p).isDirectory()) return n === 'vendor' ? [] : pages(p);
    return n.endsWith('.html') ? ['/' + relative(WEB, p)] : [];
  });
}

function common(res, what) {
  assert.equal(res.headers.get('x-content-type-options'), 'nosniff', what);
  assert.equal(res.headers.get('referrer-policy'), 'same-origin', what);
  assert.equal(res.headers.get('x-frame-options'), 'DENY', what);
  const csp = res.headers.get('content-security-policy') || '';
  assert.match(csp, /frame-ancestors 'none'/, what);
  assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval/, what);
  return csp;
}

describe('security headers', () => {
  let srv;
  before(async () => { srv = await startServer({ regions: false }); });
  after(async () => { await srv?.stop(); });

  it('are on every page, with a CSP that loads only this server\'s code', async () => {
    const all = pages();
    assert.ok(all.length > 20, `only ${all.length} pages found`);
    for (const p of all) {
      const res = await fetch(srv.url + p);
      await res.arrayBuffer();
      assert.equal(res.status, 200, p);
      const csp = common(res, p);
      assert.match(csp, /default-src 'self'/, p);
      assert.match(csp, /object-src 'none'/, p);
      assert.match(csp, /base-uri 'self'/, p);
    }
  });

  it('hold because no page has inline script, style or event handlers', () => {
    for (const p of pages()) {
      const html = readFileSync(join(WEB, p), 'utf8');
      for (const tag of html.match(/<script\b[^>]*>/gi) || [])
        assert.match(tag, /\bsrc=/, `${p}: inline script ${tag}`);
      assert.doesNotMatch(html, /<style\b/i, `${p}: a <style> element`);
      assert.doesNotMatch(html, /\sstyle\s*=/i, `${p}: a style attribute`);
      assert.doesNotMatch(html, /\son[a-z]+\s*=/i, `${p}: an inline event handler`);
      assert.doesNotMatch(html, /href\s*=\s*["']?javascript:/i, `${p}: a javascript: link`);
    }
  });

  it('are on the 404 page, scripts, JSON answers, errors and preflights', async () => {
    const notFound = await fetch(srv.url + '/no-such-page', { headers: { accept: 'text/html' } });
    await notFound.text();
    assert.equal(notFound.status, 404);
    assert.match(common(notFound, '404 page'), /default-src 'self'/);
    for (const [path, init] of [
      ['/js/api.js', {}], ['/healthz', {}], ['/api/regions?q=x', {}], ['/api/no-such', {}],
      ['/api/auth/login', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{' }],
      ['/api/regions', { method: 'OPTIONS' }], ['/api/3/action/status_show', {}],
    ]) {
      const res = await fetch(srv.url + path, init);
      await res.arrayBuffer();
      const csp = common(res, path);
      assert.match(csp, /default-src 'none'/, path);
    }
  });

  it("let the queue ticket's service worker reach this site, and only when fetched as one", async () => {
    const asWorker = await fetch(srv.url + '/antrean/sw.js', { headers: { 'Service-Worker': 'script' } });
    await asWorker.text();
    assert.equal(asWorker.status, 200);
    assert.equal(asWorker.headers.get('content-security-policy'), "default-src 'self'; frame-ancestors 'none'");
    const asFile = await fetch(srv.url + '/antrean/sw.js');
    await asFile.text();
    assert.match(asFile.headers.get('content-security-policy'), /default-src 'none'/);
    const other = await fetch(srv.url + '/js/api.js', { headers: { 'Service-Worker': 'script' } });
    await other.text();
    assert.equal(other.headers.get('content-security-policy'), "default-src 'self'; frame-ancestors 'none'",
      'any script may be registered as a worker; it still reaches only this site');
  });
});
