#!/usr/bin/env bash
# `make run`: migrate the SQLite database, load the region register and the
# demo data, print how to log in, then serve in the foreground.
set -euo pipefail
cd "$(dirname "$0")/.."
db=${1:-var/pendopo.db}
listen=${2:-127.0.0.1:8080}
csv=${3:-../shared/data/wilayah.csv}
bin=build/pendopo

mkdir -p "$(dirname "$db")"
$bin migrate --db "$db" >/dev/null
$bin import regions "$csv" --db "$db"
$bin demo load --db "$db" >/dev/null
# Letters (research permits) are signed with this key; made once.
key=${PENDOPO_LETTERS_KEY:-var/keys/letters.key}
[ -f "$key" ] || $bin letters keygen --letters-key "$key" >/dev/null

cat <<EOT

  Pendopo is starting on http://${listen/127.0.0.1/localhost}
  Demo accounts (demo data; password for each: Demo-Pendopo-2026):
    admin                 admin@demo.pendopo.id
    regent's office       pimpinan@demo.pendopo.id
    citizen               warga@demo.pendopo.id
    complaints verifier   verifikator@demo.pendopo.id        (Dinkominfo)
    complaints officer    petugas.pupr@demo.pendopo.id       (Dinas PUPR)
    health office         petugas.dinkes@demo.pendopo.id     (Dinas Kesehatan)
    puskesmas counter     petugas.kemangkon@demo.pendopo.id  (Puskesmas Kemangkon)
    hospital counter      petugas.rsud@demo.pendopo.id       (RSUD Goeteng)
    data producer         data.disdukcapil@demo.pendopo.id   (Disdukcapil)
    walidata              walidata@demo.pendopo.id
    permits desk          petugas.dpmptsp@demo.pendopo.id    (DPMPTSP)
    permits assessment    analis.kesbangpol@demo.pendopo.id  (Kesbangpol)
    permits signing head  kepala.kesbangpol@demo.pendopo.id  (Kesbangpol)
    PPID Utama            ppid.utama@demo.pendopo.id         (Dinkominfo)
    PPID Pelaksana        ppid.dinkes@demo.pendopo.id        (Dinas Kesehatan)
    Atasan PPID           atasan.ppid@demo.pendopo.id        (Setda)
    village operator      operator.kedungbenda@demo.pendopo.id  (Desa Kedungbenda, Kemangkon)
    village head          kades.kedungbenda@demo.pendopo.id     (Desa Kedungbenda)
    village operator      operator.serang@demo.pendopo.id       (Desa Serang, Karangreja)
    village head          kades.serang@demo.pendopo.id          (Desa Serang)
  Mobile JKN (Antrol) at PKM-KEMANGKON: mobilejkn / Demo-Antrol-2026
  Services: /complaints/  /izin-penelitian/  /antrean/  /data/  /ppid/  /desa/   Admin: /admin/users.html
  Stop with Ctrl-C.

EOT
exec $bin serve --listen "$listen" --db "$db"
