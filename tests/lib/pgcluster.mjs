// A private, throwaway PostgreSQL cluster for tests that stop, restart or
// kill the database server (never do that to the shared one that
// scripts/with-postgres.sh starts: other tests use it concurrently).  The
// same recipe as with-postgres.sh: initdb into a temporary folder (as the
// postgres account when running as root, since initdb refuses root),
// pg_ctl on a free loopback port with fsync=on.
import { execFileSync } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './server.mjs';

// The newest /usr/lib/postgresql/N/bin, or null.
export function pgBinDir() {
  const base = '/usr/lib/postgresql';
  if (!existsSync(base)) return null;
  const versions = readdirSync(base).filter((v) => /^\d+$/.test(v)).sort((a, b) => Number(a) - Number(b));
  for (const v of versions.reverse()) {
    const bin = join(base, v, 'bin');
    if (existsSync(join(bin, 'initdb'))) return bin;
  }
  return null;
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// Running (a zombie waiting to be reaped counts as gone).
function alive(pid) {
  try {
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
}

// Starts a cluster; resolves { url(dbname), port, dir, psql(db, sql), createDatabase(name, template),
// restartFast(), kill9(), start(), stop(), postmasterPid(), startReplica(), destroy() }.
// opts.replicaOf: a started cluster to copy with pg_basebackup -R instead of
// initdb: a hot-standby streaming replica of it (same calls; its psql reads only).
export async function startCluster(options = {}) {
  const bin = pgBinDir();
  if (!bin) throw new Error('PostgreSQL server binaries not found under /usr/lib/postgresql (apt-get install postgresql)');
  const dir = mkdtempSync(join(tmpdir(), 'pendopo-pgpriv-'));
  const data = join(dir, 'data');
  const log = join(dir, 'log');
  const root = process.getuid && process.getuid() === 0;
  if (root) {
    const uid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim());
    const gid = Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim());
    chownSync(dir, uid, gid);
  }
  const run = (cmd, args, opts = {}) => execFileSync(root ? 'runuser' : cmd, root ? ['-u', 'postgres', '--', cmd, ...args] : args,
    { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], ...opts });
  const pgCtl = (args) => run(join(bin, 'pg_ctl'), ['-D', data, ...args]);

  const primary = options.replicaOf;
  if (primary) {
    // The default pg_hba.conf of initdb lets 127.0.0.1 replicate; -R
    // writes primary_conninfo and standby.signal, -X stream the WAL; a
    // throwaway copy need not wait for the disk.
    run(join(bin, 'pg_basebackup'), ['-D', data, '-R', '-X', 'stream', '-c', 'fast', '--no-sync', '-h', '127.0.0.1', '-p', String(primary.port), '-U', 'postgres']);
  } else {
    run(join(bin, 'initdb'), ['-D', data, '-U', 'postgres', '-A', 'trust', '-E', 'UTF8', '--locale=C.UTF-8']);
  }
  const port = await freePort();
  const opts = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=on -c max_connections=200`;
  const start = async () => {
    // After a kill -9 of the postmaster its children may linger a moment
    // and hold the shared memory: retry for a while.
    const deadline = Date.now() + 20000;
    for (;;) {
      try {
        pgCtl(['-l', log, '-w', '-t', '20', '-o', opts, 'start']);
        return;
      } catch (e) {
        if (Date.now() > deadline) throw new Error(`pg_ctl start failed: ${e.stderr || e.message}\n${tail(log)}`);
        await sleep(200);
      }
    }
  };
  await start();

  const url = (db = 'postgres') => `postgresql://postgres@127.0.0.1:${port}/${db}`;
  const postmasterPid = () => Number(readFileSync(join(data, 'postmaster.pid'), 'utf8').split('\n')[0]);
  return {
    port, dir, url,
    psql: (db, sql) => execFileSync('psql', [url(db), '-XAtqF', '\t', '-v', 'ON_ERROR_STOP=1', '-c', sql], { encoding: 'utf8' }),
    // A new database, empty or a copy of template.  Copied file by file:
    // the default WAL_LOG strategy (PostgreSQL 15+) logs the template's
    // sequence pages with the values nextval had logged ahead there, and the
    // copy hands those out without logging, so a crash (these clusters are
    // killed) set its sequences back behind committed ids (issue 17).
    // FILE_COPY checkpoints after the copy, so the copy's first nextval is
    // logged.
    createDatabase(name, template) {
      execFileSync('psql', [url('postgres'), '-Xqc', `CREATE DATABASE ${name}${template ? ` TEMPLATE ${template} STRATEGY FILE_COPY` : ''}`]);
      return url(name);
    },
    postmasterPid,
    start,
    // pg_ctl restart -m fast, waiting until it accepts connections again.
    restartFast() {
      pgCtl(['-l', log, '-w', '-t', '30', '-m', 'fast', '-o', opts, 'restart']);
    },
    // pg_ctl stop -m immediate (a replica or server gone); start() brings it back.
    stop() {
      pgCtl(['-w', '-m', 'immediate', 'stop']);
    },
    startReplica: function () { return startCluster({ replicaOf: this }); },
    // SIGKILL to the postmaster (a crash); resolves once it is gone.  start() brings it back.
    async kill9() {
      const pid = postmasterPid();
      process.kill(pid, 'SIGKILL');
      const deadline = Date.now() + 10000;
      while (alive(pid) && Date.now() < deadline) await sleep(20);
    },
    log: () => tail(log),
    destroy() {
      try { pgCtl(['-m', 'immediate', 'stop']); } catch { /* already down */ }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

function tail(file, n = 20) {
  try {
    return readFileSync(file, 'utf8').trim().split('\n').slice(-n).join('\n');
  } catch {
    return '';
  }
}
