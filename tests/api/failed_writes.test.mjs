// A write whose statement fails is never acknowledged, and nothing of it
// stays.  Each case makes one statement of an account change fail in the
// database itself (a trigger that refuses it), then checks the answer is
// a 5xx and the account is as it was; with the trigger gone, the same
// change works and has its effect (old sessions end, counts count).  Runs
// on SQLite and, in the PostgreSQL pass, on PostgreSQL.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { startServer, Client } from '../lib/server.mjs';
import { PASSWORD, assertError, assertErrorEnvelope, cliUser, register, login } from './util.mjs';

const pg = (db) => db.startsWith('postgres');

function sql(db, text) {
  if (pg(db)) execFileSync('psql', [db, '-qv', 'ON_ERROR_STOP=1', '-c', text]);
  else execFileSync('sqlite3', [db, text]);
}

// A trigger refusing `event` (DELETE, UPDATE OF col, INSERT) on table for
// the rows that `when` picks (old./new. columns).
function refuse(db, name, event, table, when) {
  if (pg(db)) {
    sql(db, 'CREATE OR REPLACE FUNCTION pendopo_test_refuse() RETURNS trigger LANGUAGE plpgsql AS '
      + "$$BEGIN RAISE EXCEPTION 'refused by the test'; END$$");
    sql(db, `CREATE TRIGGER ${name} BEFORE ${event} ON ${table} FOR EACH ROW WHEN (${when.replace(/\b(old|new)\./g, (m) => m.toUpperCase())}) `
      + 'EXECUTE FUNCTION pendopo_test_refuse()');
  } else {
    sql(db, `CREATE TRIGGER ${name} BEFORE ${event} ON ${table} WHEN ${when} BEGIN SELECT RAISE(ABORT, 'refused by the test'); END`);
  }
}

function query(db, text) {
  return (pg(db) ? execFileSync('psql', [db, '-tAc', text]) : execFileSync('sqlite3', [db, text])).toString().trim();
}

function allow(db, name, table) {
  sql(db, pg(db) ? `DROP TRIGGER ${name} ON ${table}` : `DROP TRIGGER ${name}`);
}

function assertRefused(res, what) {
  assert.ok(res.status >= 500, `${what}: expected a 5xx, got ${res.status}: ${res.text}`);
  assertErrorEnvelope(res);
}

describe('a write with a failed statement is not acknowledged', () => {
  let srv, admin;
  before(async () => {
    srv = await startServer({ regions: false });
    admin = await cliUser(srv, 'admin');
  });
  after(async () => { await srv?.stop(); });

  test('admin password reset: ending the sessions fails → 5xx, nothing changed; then it works and the old cookie gets 401', async () => {
    const user = await register(srv.url);
    const id = user.user.id;
    refuse(srv.db, 'keep_sessions', 'DELETE', 'sessions', `old.user_id = ${id}`);
    const reset = await admin.patch(`/api/users/${id}`, { password: 'Sandi-Baru-456' });
    assertRefused(reset, 'reset while sessions cannot end');
    assert.equal((await user.get('/api/me')).status, 200, 'the session lives on because nothing changed');
    await login(srv.url, user.email, PASSWORD);
    assertError(await new Client(srv.url).post('/api/auth/login', { email: user.email, password: 'Sandi-Baru-456' }),
      401, 'invalid_credentials');
    allow(srv.db, 'keep_sessions', 'sessions');

    const ok = await admin.patch(`/api/users/${id}`, { password: 'Sandi-Baru-456' });
    assert.equal(ok.status, 200, ok.text);
    assertError(await user.get('/api/me'), 401, 'unauthenticated');
    await login(srv.url, user.email, 'Sandi-Baru-456');
  });

  test('disabling a user: ending the sessions fails → 5xx, still enabled; then the session gets 401', async () => {
    const user = await register(srv.url);
    const id = user.user.id;
    refuse(srv.db, 'keep_sessions2', 'DELETE', 'sessions', `old.user_id = ${id}`);
    assertRefused(await admin.patch(`/api/users/${id}`, { disabled: true }), 'disable while sessions cannot end');
    assert.equal((await admin.get(`/api/users/${id}`)).json.user.disabled, false);
    assert.equal((await user.get('/api/me')).status, 200);
    allow(srv.db, 'keep_sessions2', 'sessions');

    assert.equal((await admin.patch(`/api/users/${id}`, { disabled: true })).status, 200);
    assertError(await user.get('/api/me'), 401, 'unauthenticated');
  });

  test('replacing roles: removing the old grants fails → 5xx, grants unchanged', async () => {
    const user = await register(srv.url);
    const id = user.user.id;
    refuse(srv.db, 'keep_roles', 'DELETE', 'user_roles', `old.user_id = ${id}`);
    assertRefused(await admin.patch(`/api/users/${id}`, { roles: [{ role: 'walidata' }] }), 'roles while grants cannot go');
    assert.deepEqual((await admin.get(`/api/users/${id}`)).json.user.roles.map((g) => g.role), ['citizen']);
    assert.equal((await user.get('/api/me')).status, 200, 'sessions were not ended either');
    allow(srv.db, 'keep_roles', 'user_roles');

    const ok = await admin.patch(`/api/users/${id}`, { roles: [{ role: 'walidata' }] });
    assert.equal(ok.status, 200, ok.text);
    assert.deepEqual(ok.json.user.roles.map((g) => g.role), ['walidata']);
  });

  test('a wrong password that cannot be counted is not answered as a counted one', async () => {
    const user = await register(srv.url);
    const hits = `SELECT coalesce(sum(hits), 0) FROM rate_limits WHERE bucket LIKE 'login:${user.email.toLowerCase()}|%'`;
    refuse(srv.db, 'no_count_new', 'INSERT', 'rate_limits', "new.bucket LIKE 'login:%'");
    refuse(srv.db, 'no_count_more', 'UPDATE', 'rate_limits', "new.bucket LIKE 'login:%'");
    const r = await new Client(srv.url).post('/api/auth/login', { email: user.email, password: 'salah-sandi-1' });
    assertRefused(r, 'login whose failure count failed');
    assert.equal(query(srv.db, hits), '0');
    allow(srv.db, 'no_count_new', 'rate_limits');
    allow(srv.db, 'no_count_more', 'rate_limits');
    const counted = await new Client(srv.url).post('/api/auth/login', { email: user.email, password: 'salah-sandi-1' });
    assertError(counted, 401, 'invalid_credentials');
    assert.equal(query(srv.db, hits), '1', 'the refused attempt did not count, this one did');
  });

  test('logout: removing the session fails → 5xx and the session still works; then logout ends it', async () => {
    const user = await register(srv.url);
    const cookie = user.cookie;
    refuse(srv.db, 'keep_session', 'DELETE', 'sessions', `old.user_id = ${user.user.id}`);
    const out = await user.post('/api/auth/logout');
    assertRefused(out, 'logout while the session cannot go');
    assert.equal(out.headers.get('set-cookie'), null, 'no cookie cleared for a session that lives on');
    user.cookie = cookie;
    assert.equal((await user.get('/api/me')).status, 200);
    allow(srv.db, 'keep_session', 'sessions');

    assert.equal((await user.post('/api/auth/logout')).status, 200);
    const stale = new Client(srv.url);
    stale.cookie = cookie;
    assertError(await stale.get('/api/me'), 401, 'unauthenticated');
  });
});
