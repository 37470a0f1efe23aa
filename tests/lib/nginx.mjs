// nginx from Debian in front of several `pendopo serve`, configured with the
// upstream block of docs/deploy.md itself (so the documented configuration
// is the tested one), on loopback: its TLS listen becomes a plain loopback
// port and its example servers become the given instances.
import { spawn, execFileSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ROOT, freePort } from './server.mjs';

export const NGINX = ['/usr/sbin/nginx', '/usr/bin/nginx'].find((p) => existsSync(p)) || null;

// The ```nginx block of docs/deploy.md's several-instances section.
export function documentedUpstream() {
  const doc = readFileSync(join(ROOT, 'docs', 'deploy.md'), 'utf8');
  const from = doc.indexOf('nginx upstream (any instance');
  const m = /```nginx\n([\s\S]*?)```/.exec(doc.slice(from));
  if (from < 0 || !m) throw new Error('docs/deploy.md: no nginx upstream block in the several-instances section');
  return m[1];
}

// The whole nginx.conf: nginx in the foreground, its files in dir, the
// documented block listening on 127.0.0.1:port in front of instances
// (base URLs, "http://127.0.0.1:PORT").
export function nginxConfig(dir, port, instances) {
  const servers = instances.map((u) => `    server ${new URL(u).host};`).join('\n');
  const block = documentedUpstream()
    .replace(/(^ *server \d+\.\d+\.\d+\.\d+:\d+;\n)+/m, servers + '\n')
    .replace(/listen 443 ssl http2;/, `listen 127.0.0.1:${port};`);
  if (!block.includes(`listen 127.0.0.1:${port};`)) throw new Error('docs/deploy.md nginx block: no "listen 443 ssl http2;" to replace');
  return `daemon off;
worker_processes 1;
pid ${dir}/nginx.pid;
error_log ${dir}/error.log warn;
events { worker_connections 4096; }
http {
  access_log off;
  client_body_temp_path ${dir}/body;
  proxy_temp_path ${dir}/proxy;
  fastcgi_temp_path ${dir}/fastcgi;
  uwsgi_temp_path ${dir}/uwsgi;
  scgi_temp_path ${dir}/scgi;
  # docs/deploy.md section 1 (the several-instances block refers to it)
  limit_conn_zone $binary_remote_addr zone=pendopo_perip:10m;
${block}}
`;
}

// Resolves { url, port, dir, config(), log(), stop() }.
export async function startNginx(instances) {
  if (!NGINX) throw new Error('nginx not found (apt-get install nginx-light)');
  const dir = mkdtempSync(join(tmpdir(), 'pendopo-nginx-'));
  chmodSync(dir, 0o755);	// its workers (another user when run as root) read the temp folders
  const port = await freePort();
  const file = join(dir, 'nginx.conf');
  writeFileSync(file, nginxConfig(dir, port, instances));
  execFileSync(NGINX, ['-t', '-q', '-p', dir, '-e', join(dir, 'error.log'), '-c', file], { stdio: ['ignore', 'pipe', 'pipe'] });
  const proc = spawn(NGINX, ['-p', dir, '-e', join(dir, 'error.log'), '-c', file], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  proc.stderr.on('data', (d) => { stderr += d; });
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 10000;
  for (;;) {
    if (proc.exitCode !== null) throw new Error(`nginx exited ${proc.exitCode}: ${stderr}`);
    try {
      await fetch(url + '/healthz');
      break;
    } catch { /* not listening yet */ }
    if (Date.now() > deadline) {
      proc.kill('SIGKILL');
      throw new Error('nginx did not start: ' + stderr);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  return {
    url, port, dir, config: () => readFileSync(file, 'utf8'),
    log: () => { try { return readFileSync(join(dir, 'error.log'), 'utf8'); } catch { return ''; } },
    async stop() {
      if (proc.exitCode === null && proc.signalCode === null) {
        const exited = new Promise((r) => proc.once('exit', r));
        proc.kill('SIGQUIT');
        await exited;
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

// `node tests/lib/nginx.mjs DIR PORT URL...` prints that nginx.conf (bench/cluster.sh).
if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const [dir, port, ...instances] = process.argv.slice(2);
  process.stdout.write(nginxConfig(dir, Number(port), instances));
}
