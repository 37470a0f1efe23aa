// The command line: --help for every command, idempotent migrate, an import
// that refuses a bad file and changes nothing, user add errors, and a
// backup taken while the server is serving.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { startServer, Client, BIN } from '../lib/server.mjs';

const run = (args) => spawnSync(BIN, args, { encoding: 'utf8' });

describe('command line', () => {
  let srv;
  before(async () => { srv = await startServer(); });
  after(async () => { await srv.stop(); });

  it('seeds complaints whose pins lie inside the regency, where a citizen\'s may', async () => {
    const r = run(['seed', 'complaints', '300', '--db', srv.db]);
    assert.equal(r.status, 0, r.stderr);
    const map = await new Client(srv.url).get('/api/complaints/map?bbox=-90,-180,90,180&limit=1000');
    assert.equal(map.status, 200, map.text);
    const pins = map.json.items;
    assert.ok(pins.length > 150, `${pins.length} pins`);
    // The default --regency-bounds: -7.50,109.17,-7.15,109.60.
    const outside = pins.filter((p) => !(p.lat >= -7.50 && p.lat <= -7.15 && p.long >= 109.17 && p.long <= 109.60));
    assert.deepEqual(outside, []);
  });

  it('every command answers --help with its usage', () => {
    for (const cmd of ['serve', 'migrate', 'import', 'user', 'apikey', 'demo', 'backup', 'restore', 'audit']) {
      const r = run([cmd, '--help']);
      assert.equal(r.status, 0, `${cmd} --help: ${r.stderr}`);
      assert.match(r.stdout, new RegExp(`^usage: pendopo ${cmd}`), cmd);
    }
    const top = run(['--help']);
    assert.equal(top.status, 0);
    assert.match(top.stdout, /serve/);
    assert.equal(run(['nonsense']).status, 2);
    assert.equal(run(['migrate', '--bogus', 'x']).status, 2);
  });

  it('migrate twice is a no-op the second time', () => {
    const out = srv.cli(['migrate']);
    assert.doesNotMatch(out, /applied/);
    assert.match(out, /up to date/);
  });

  it('a bad region file is refused with its line, and the register is unchanged', async () => {
    const bad = join(srv.dir, 'bad.csv');
    writeFileSync(bad, 'kode,nama\n11,Aceh\n11.01,Kabupaten Aceh Selatan\n11.0x,Rusak\n');
    const r = run(['import', 'regions', bad, '--db', srv.db]);
    assert.notEqual(r.status, 0);
    assert.match(r.stderr, /line 4/);
    const res = await new Client(srv.url).get('/api/regions/33.03');
    assert.equal(res.status, 200, 'the full register is still there');
  });

  it('user add refuses a bad role, a short password and a unit that does not exist', () => {
    assert.match(run(['user', 'add', '--email', 'x@y.id', '--password', 'Rahasia-123', '--role', 'raja', '--db', srv.db]).stderr, /unknown role/);
    assert.match(run(['user', 'add', '--email', 'x@y.id', '--password', 'short', '--db', srv.db]).stderr, /at least 8/);
    assert.match(run(['user', 'add', '--email', 'x@y.id', '--password', 'Rahasia-123', '--role', 'officer', '--unit', 'NOPE', '--db', srv.db]).stderr, /--unit/);
    assert.equal(run(['user', 'add', '--email', 'x@y.id', '--password', 'Rahasia-123', '--db', srv.db]).status, 0);
    assert.match(run(['user', 'add', '--email', 'X@y.id', '--password', 'Rahasia-123', '--db', srv.db]).stderr, /already registered/);
  });

  it('backup writes a consistent copy while serving, and refuses to overwrite', { skip: !!process.env.PENDOPO_TEST_PG && 'SQLite only (backup.test covers PostgreSQL)' }, () => {
    const dest = join(srv.dir, 'copy');
    assert.match(srv.cli(['backup', dest]), /backup written/);
    assert.ok(existsSync(join(dest, 'pendopo.db')));
    const users = execFileSync('sqlite3', [join(dest, 'pendopo.db'), 'SELECT email FROM users']).toString();
    assert.match(users, /x@y\.id/);
    assert.notEqual(run(['backup', dest, '--db', srv.db]).status, 0);
    const verify = run(['audit', 'verify', '--db', join(dest, 'pendopo.db')]);
    assert.equal(verify.status, 0, verify.stdout + verify.stderr);
  });
});
