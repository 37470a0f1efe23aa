// Least privilege: started as root with --user, the server binds its port
// and then runs as that user (its uid in /proc, its writes still work);
// an unknown user stops it before it serves.  The systemd unit in
// docs/deploy.md is extracted and checked by systemd-analyze verify.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { chownSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { BIN, Client, ROOT, cli, startServer } from '../lib/server.mjs';
import { email, PASSWORD } from './util.mjs';

const root = process.getuid() === 0;
const nobody = (() => { try { return Number(execFileSync('id', ['-u', 'nobody'], { encoding: 'utf8' })); } catch { return null; } })();

function chownAll(dir, uid, gid) {
  chownSync(dir, uid, gid);
  for (const n of readdirSync(dir)) {
    const p = join(dir, n);
    if (statSync(p).isDirectory()) chownAll(p, uid, gid);
    else chownSync(p, uid, gid);
  }
}

describe('least privilege', { skip: !root || nobody === null ? 'needs root and a user nobody' : false }, () => {
  let srv, dir;
  before(async () => {
    // The database belongs to the user the server becomes, as in deploy.md.
    dir = mkdtempSync(join(tmpdir(), 'pendopo-priv-'));
    const db = join(dir, 'pendopo.db');
    cli(db, ['migrate']);
    const gid = Number(execFileSync('id', ['-g', 'nobody'], { encoding: 'utf8' }));
    chownAll(dir, nobody, gid);
    srv = await startServer({ db, env: { PENDOPO_USER: 'nobody', PENDOPO_DATA_DIR: join(dir, 'data') } });
  });
  after(async () => { await srv?.stop(); rmSync(dir, { recursive: true, force: true }); });

  it('serves as the user it was given, writes included', async () => {
    const status = readFileSync(`/proc/${srv.pid}/status`, 'utf8');
    const [, real, effective, saved] = /^Uid:\s+(\d+)\s+(\d+)\s+(\d+)/m.exec(status).map(Number);
    assert.deepEqual([real, effective, saved], [nobody, nobody, nobody]);
    assert.match(/^Groups:(.*)$/m.exec(status)[1], /^\s*(\d+\s*)*$/);
    assert.doesNotMatch(` ${/^Groups:(.*)$/m.exec(status)[1]} `, / 0 /, 'no root group left');
    const r = await new Client(srv.url).post('/api/auth/register', { name: 'Warga', email: email('priv'), password: PASSWORD });
    assert.equal(r.status, 201, r.text);
  });

  it('does not serve when the user does not exist', () => {
    const r = spawnSync(BIN, ['serve', '--listen', '127.0.0.1:0', '--db', join(dir, 'pendopo.db'), '--user', 'no-such-user-xyz'],
      { encoding: 'utf8', timeout: 10000, env: { ...process.env, PENDOPO_DATA_DIR: join(dir, 'data') } });
    assert.notEqual(r.status, 0);
    assert.match(r.stderr, /cannot drop privileges.*no user no-such-user-xyz/);
  });
});

it('the systemd unit in docs/deploy.md passes systemd-analyze verify', (t) => {
  const have = spawnSync('systemd-analyze', ['--version']);
  if (have.error) return t.skip('systemd-analyze is not installed');
  const doc = readFileSync(join(ROOT, 'docs', 'deploy.md'), 'utf8');
  const unit = /`\/etc\/systemd\/system\/pendopo\.service`:\s*```ini\n([\s\S]*?)```/.exec(doc)[1];
  for (const opt of ['NoNewPrivileges=true', 'ProtectSystem=strict', 'PrivateTmp=true', 'ProtectHome=true', 'CapabilityBoundingSet='])
    assert.ok(unit.includes(opt + '\n'), `the unit sets ${opt}`);
  // verify needs the binaries to exist: this build stands in for /opt's.
  const tmp = mkdtempSync(join(tmpdir(), 'pendopo-unit-'));
  try {
    const file = join(tmp, 'pendopo.service');
    writeFileSync(file, unit.replaceAll('/opt/pendopo/bin/pendopo', resolve(BIN)));
    const r = spawnSync('systemd-analyze', ['verify', file], { encoding: 'utf8' });
    const problems = (r.stderr + r.stdout).split('\n').filter((l) => l.trim() && !/Failed to (connect|open|create)|not booted|bus|Unknown username|pendopo\.service: .*user/i.test(l));
    assert.deepEqual(problems, [], `systemd-analyze verify: ${r.stderr}`);
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
});
