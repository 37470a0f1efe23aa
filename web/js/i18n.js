// i18n.js — Indonesian first, English on request.
//
// This module holds the texts every page needs (the shell, accounts, the
// error codes); each service's texts are a module of their own in i18n/
// that its pages import, and extend() adds them here.
//
// t(key, vars) looks a key up in the current dictionary (then Indonesian,
// then gives the key back). applyI18n(root) fills elements marked with
// data-i18n (text), data-i18n-placeholder and data-i18n-aria-label;
// data-i18n-vars may hold a JSON object of {placeholders}. The choice is kept
// in localStorage under "pendopo.lang" and mirrored on <html lang>.

const STORAGE_KEY = 'pendopo.lang';
export const LANGS = ['id', 'en'];

const id = {
  'site.name': 'Pendopo',
  'site.tagline': 'Platform layanan publik terbuka',
  'site.regency': 'Kabupaten Purbalingga',
  'skip': 'Langsung ke konten utama',
  'nav.label': 'Menu utama',
  'nav.home': 'Beranda',
  'nav.profile': 'Profil',
  'map.unavailable': 'Peta tidak dapat dimuat; isinya ada di daftar atau isian di sebelahnya.',
  'map.tiles_failed': 'Peta dasar tidak tersedia saat ini; penanda tetap tampil, dan isinya ada di daftar di sebelahnya.',
  'map.tiles_failed_pick': 'Peta dasar tidak tersedia saat ini. Anda tetap bisa mengetuk peta, atau memilih kecamatan dan desa.',
  'map.use_picker': 'Pilih kecamatan dan desa',
  'chart.table': 'Tabel data',
  'chart.label': 'Uraian',
  'chart.value': 'Jumlah',
  'chart.unavailable': 'Grafik tidak dapat dimuat; angkanya ada di tabel data.',
  'auth.login': 'Masuk',
  'auth.register': 'Daftar',
  'auth.logout': 'Keluar',
  'auth.account': 'Akun',
  'auth.logged_in_as': 'Masuk sebagai {name}',
  'footer.copy': '© {year} Pemerintah {regency}',
  'footer.about': 'Pendopo adalah platform layanan publik terbuka untuk warga {regency}.',
  'footer.time': 'Semua waktu ditampilkan dalam WIB (UTC+7).',
  'footer.label': 'Informasi situs',

  'title.home': 'Beranda · Pendopo',
  'title.login': 'Masuk · Pendopo',
  'title.register': 'Daftar akun · Pendopo',
  'title.profile': 'Profil saya · Pendopo',

  'title.404': 'Halaman tidak ditemukan · Pendopo',

  'home.eyebrow': 'Layanan publik daring',
  'home.title': 'Layanan publik {regency}',
  'home.lead': 'Sampaikan aduan, urus izin, ambil antrean, dan temukan data pemerintah daerah — semua di satu tempat, kapan saja.',
  'home.cta_register': 'Buat akun',
  'home.cta_login': 'Masuk',
  'home.cta_profile': 'Profil saya',
  'home.welcome': 'Selamat datang, {name}.',
  'home.services': 'Layanan',
  'home.services_lead': 'Pilih layanan yang Anda perlukan. Layanan bertanda “Segera hadir” sedang kami siapkan.',
  'badge.soon': 'Segera hadir',
  'svc.matur.name': 'Matur Bupati',
  'svc.matur.tag': 'Pengaduan & aspirasi',
  'svc.matur.desc': 'Sampaikan pengaduan dan aspirasi kepada Bupati dan perangkat daerah, lalu pantau tindak lanjutnya.',
  'svc.siintan.name': 'Si-Intan',
  'svc.siintan.tag': 'Izin penelitian',
  'svc.siintan.desc': 'Ajukan surat keterangan penelitian secara daring dan terima surat bertanda tangan elektronik.',
  'svc.simantri.name': 'Simantri',
  'svc.simantri.tag': 'Antrean puskesmas & rumah sakit',
  'svc.simantri.desc': 'Ambil nomor antrean puskesmas atau rumah sakit dan pantau panggilan dari rumah.',
  'svc.satudata.name': 'Satu Data',
  'svc.satudata.tag': 'Data terbuka',
  'svc.satudata.desc': 'Temukan dan unduh data resmi dari perangkat daerah.',

  'svc.ppid.name': 'PPID',
  'svc.ppid.tag': 'Permohonan informasi publik',
  'svc.ppid.desc': 'Ajukan permohonan informasi publik dan keberatan sesuai UU 14/2008.',
  'svc.ikm.name': 'IKM',
  'svc.ikm.tag': 'Survei kepuasan masyarakat',
  'svc.ikm.desc': 'Nilai layanan yang Anda terima agar pelayanan terus membaik.',
  'svc.desa.name': 'Desa Digital',
  'svc.desa.tag': 'Layanan desa',
  'svc.desa.desc': 'Urus surat keterangan desa dan lihat informasi desa Anda.',

  'form.optional': '(opsional)',
  'form.sending': 'Mengirim…',
  'form.show_password': 'Tampilkan kata sandi',

  'validation.required': 'Wajib diisi.',
  'validation.email': 'Masukkan alamat email yang benar, misalnya nama@contoh.id.',
  'validation.min_length': 'Minimal {n} karakter.',
  'validation.max_length': 'Maksimal {n} karakter.',
  'validation.min': 'Paling kecil {n}.',
  'validation.max': 'Paling besar {n}.',
  'validation.pattern': 'Format isian tidak sesuai.',
  'validation.phone': 'Nomor HP hanya boleh berisi angka, spasi, tanda + atau -.',
  'validation.email_or_phone': 'Isi email atau nomor HP (salah satu wajib).',
  'validation.password_mismatch': 'Kata sandi tidak sama.',
  'validation.date': 'Masukkan tanggal yang benar.',
  'validation.summary': 'Ada isian yang perlu diperbaiki.',

  'error.invalid_json': 'Permintaan tidak dapat dibaca oleh server.',
  'error.unknown_field': 'Permintaan berisi isian yang tidak dikenal.',
  'error.invalid': 'Ada isian yang tidak valid.',
  'error.invalid.phone': 'Nomor HP harus berupa nomor seperti 0812 3456 7890, atau + dengan kode negara.',
  'error.invalid.current_password': 'Kata sandi saat ini salah.',
  'error.invalid.date': 'Tanggal tidak valid.',
  'error.unauthenticated': 'Silakan masuk terlebih dahulu.',
  'error.invalid_credentials': 'Email/nomor HP atau kata sandi salah.',
  'error.invalid_credentials.current_password': 'Kata sandi saat ini salah.',
  'error.forbidden': 'Anda tidak memiliki akses untuk tindakan ini.',
  'error.cross_site': 'Halaman dari situs lain tidak boleh mengubah data di sini. Buka halaman ini langsung dari alamat Pendopo.',
  'error.unsupported_media_type': 'Data harus dikirim sebagai JSON.',
  'error.csrf': 'Sesi Anda perlu dimuat ulang. Muat ulang halaman lalu coba lagi.',
  'error.not_found': 'Data tidak ditemukan.',
  'error.method_not_allowed': 'Tindakan ini tidak tersedia.',
  'error.conflict': 'Data sudah ada atau masih dipakai.',
  'error.conflict.email': 'Email ini sudah terdaftar.',
  'error.conflict.phone': 'Nomor HP ini sudah terdaftar.',
  'error.conflict.code': 'Kode ini sudah dipakai.',
  'error.conflict.date': 'Sudah ada hari libur pada tanggal ini.',
  'error.too_large': 'Data yang dikirim terlalu besar.',
  'error.rate_limited': 'Terlalu banyak percobaan dari alamat ini.',
  'error.invalid_code': 'Kode salah atau sudah kedaluwarsa; periksa kembali atau minta kode baru.',
  'error.channel_unavailable': 'Kode tidak dapat dikirim lewat WhatsApp atau SMS saat ini.',
  'error.account_locked': 'Terlalu banyak percobaan masuk yang gagal ke akun ini dari perangkat Anda.',
  'error.retry_after': 'Coba lagi dalam {time}.',
  'error.busy': 'Server sedang sibuk. Coba lagi sebentar lagi.',
  'error.internal': 'Terjadi kesalahan di server. Coba lagi nanti.',
  'error.network': 'Tidak dapat terhubung ke server. Periksa koneksi Anda.',
  'error.storage_full': 'Penyimpanan server penuh; tidak ada yang tersimpan. Coba lagi nanti.',
  'error.storage_error': 'Penyimpanan server mengalami gangguan; tidak ada yang tersimpan. Coba lagi nanti.',
  'error.database_unavailable': 'Basis data tidak dapat dihubungi; tidak ada yang tersimpan. Coba lagi beberapa detik lagi.',
  'error.not_pdf': 'Berkas bukan PDF.',
  'error.incomplete': 'Permohonan belum lengkap.',
  'error.report_overdue': 'Laporan penelitian Anda terlambat; sampaikan laporan itu sebelum mengajukan permohonan baru.',
  'error.no_session': 'Tidak ada jadwal praktik pada tanggal tersebut.',
  'error.session_over': 'Jadwal praktik ini sudah selesai.',
  'error.closed': 'Fasilitas kesehatan tutup pada tanggal tersebut.',
  'error.not_open_yet': 'Pendaftaran untuk tanggal ini belum dibuka.',
  'error.booking_closed': 'Pendaftaran untuk tanggal ini sudah ditutup.',
  'error.already_booked': 'Peserta sudah mendapat nomor antrean pada tanggal tersebut.',
  'error.quota_full': 'Kuota antrean untuk jadwal ini sudah habis.',
  'error.cancelled': 'Antrean sudah dibatalkan.',
  'error.already_checked_in': 'Antrean ini sudah check-in.',
  'error.not_today': 'Antrean ini untuk tanggal lain.',
  'error.too_early': 'Check-in belum dibuka.',
  'error.late': 'Terlambat dari jadwal. Silakan ambil nomor antrean langsung.',

  'login.title': 'Masuk',
  'login.lead': 'Masuk untuk mengajukan dan memantau layanan Anda.',
  'login.identifier': 'Email atau nomor HP',
  'login.password': 'Kata sandi',
  'login.submit': 'Masuk',
  'login.no_account': 'Belum punya akun?',
  'login.register_link': 'Daftar sekarang',
  'login.by_phone': 'Masuk dengan nomor HP',
  'login.by_phone_lead': 'Tanpa kata sandi: kami kirim kode lewat WhatsApp atau SMS. Nomor yang belum terdaftar langsung dibuatkan akun.',
  'login.phone': 'Nomor HP',
  'login.channel': 'Kirim kode lewat',
  'login.send_code': 'Kirim kode',
  'login.resend': 'Kirim ulang kode',
  'login.code_sent': 'Kode dikirim ke {phone} lewat {channel}. Berlaku 5 menit.',
  'login.code': 'Kode dari pesan',
  'login.code_pattern': 'Kode terdiri dari 6 angka.',
  'login.name_new': 'Nama lengkap (nomor ini belum terdaftar)',
  'login.name_needed': 'Nomor ini belum terdaftar: isi nama Anda untuk membuat akun.',

  'register.title': 'Daftar akun',
  'register.lead': 'Satu akun untuk semua layanan Pendopo.',
  'register.name': 'Nama lengkap',
  'register.email': 'Email',
  'register.phone': 'Nomor HP',
  'register.contact_legend': 'Kontak',
  'register.contact_hint': 'Isi email, nomor HP, atau keduanya. Salah satu wajib diisi.',
  'register.password': 'Kata sandi',
  'register.password_hint': 'Minimal 8 karakter, bukan kata umum atau pola seperti 12345678.',
  'register.password2': 'Ulangi kata sandi',
  'register.submit': 'Daftar',
  'register.by_phone': 'Daftar dengan nomor HP saja, tanpa kata sandi',
  'register.have_account': 'Sudah punya akun?',
  'register.login_link': 'Masuk',

  'profile.title': 'Profil saya',
  'profile.account': 'Data akun',
  'profile.name': 'Nama lengkap',
  'profile.email': 'Email',
  'profile.phone': 'Nomor HP',
  'profile.lang': 'Bahasa',
  'profile.lang_hint': 'Bahasa untuk tampilan dan pemberitahuan.',
  'profile.roles': 'Peran',
  'profile.since': 'Terdaftar sejak',
  'profile.edit': 'Ubah profil',
  'profile.save': 'Simpan perubahan',
  'profile.saved': 'Profil disimpan.',
  'profile.unchanged': 'Tidak ada perubahan.',
  'profile.channels': 'Pemberitahuan',
  'profile.channels_lead': 'Perkembangan layanan Anda selalu tampil di aplikasi. Pilih juga ke mana pemberitahuan dikirim.',
  'profile.channel_in_app': 'Di aplikasi (selalu)',
  'profile.channel_email': 'Email',
  'profile.channel_whatsapp': 'WhatsApp',
  'profile.channel_sms': 'SMS',
  'profile.channels_hint': 'Email memerlukan alamat email, WhatsApp dan SMS memerlukan nomor HP di profil.',
  'profile.channels_save': 'Simpan pilihan',
  'profile.channels_saved': 'Pilihan pemberitahuan disimpan.',
  'profile.password': 'Ganti kata sandi',
  'profile.password_lead': 'Setelah kata sandi diganti, sesi di perangkat lain akan diakhiri.',
  'profile.current_password': 'Kata sandi saat ini',
  'profile.new_password': 'Kata sandi baru',
  'profile.new_password2': 'Ulangi kata sandi baru',
  'profile.password_submit': 'Ganti kata sandi',
  'profile.password_saved': 'Kata sandi diganti. Sesi di perangkat lain telah diakhiri.',
  'lang.id': 'Bahasa Indonesia',
  'lang.en': 'English',

  'role.citizen': 'Warga',
  'role.officer': 'Petugas',
  'role.unit_head': 'Kepala unit',
  'role.walidata': 'Walidata',
  'role.village_operator': 'Operator desa',
  'role.village_head': 'Kepala desa',
  'role.admin': 'Administrator',
  'role.regent_office': 'Kantor Bupati',

  'common.edit': 'Ubah',
  'common.delete': 'Hapus',
  'common.close': 'Tutup',
  'common.cancel': 'Batal',
  'common.save': 'Simpan',
  'common.loading': 'Memuat…',
  'common.confirm': 'Konfirmasi',
  'common.yes_delete': 'Ya, hapus',
  'common.actions': 'Tindakan',
  'common.none': '—',
  'common.load_failed': 'Gagal memuat data: {message}',
  'common.choose': '— Pilih —',

  'kind.secretariat': 'Sekretariat',
  'kind.agency': 'Dinas/badan',
  'kind.office': 'Kantor/bagian',
  'kind.hospital': 'Rumah sakit',
  'kind.health_facility': 'Fasilitas kesehatan',
  'kind.district': 'Kecamatan',
  'kind.other': 'Lainnya',

  'notfound.title': 'Halaman tidak ditemukan',
  'notfound.lead': 'Alamat yang Anda buka tidak ada atau sudah dipindahkan.',
  'notfound.home': 'Kembali ke beranda',

  'error.busy_counter': 'Selesaikan, alihkan atau lewati pasien yang sedang dilayani terlebih dahulu.',
  'error.counter_closed': 'Loket sedang tutup atau dijeda. Buka loket terlebih dahulu.',
  'error.no_patient': 'Loket belum melayani pasien. Panggil pasien terlebih dahulu.',
  'error.line_empty': 'Tidak ada pasien yang menunggu.',
  'error.recall_first': 'Panggil ulang pasien sesuai aturan sebelum melewatinya.',
  'error.already_revoked': 'Surat ini sudah dicabut.',
  'error.signing_unavailable': 'Surat belum dapat ditandatangani: kunci tanda tangan belum dipasang.',
  'error.bsre_not_configured': 'Layanan tanda tangan elektronik BSrE belum tersedia di sini.',
  'error.bsre_refused': 'BSrE menolak penandatanganan; periksa NIK dan passphrase.',
  'error.bsre_failed': 'BSrE tidak dapat dihubungi atau gagal; surat tetap bertanda tangan Ed25519.',
  'error.survey_answered': 'Survei untuk layanan ini sudah diisi. Terima kasih.',
  'error.survey_code_used': 'Kode kiosk ini sudah dipakai.',
  'error.bad_signature': 'Tanda tangan permintaan tidak ada atau salah.',
  'admin.forbidden_title': 'Akses ditolak',
  'admin.forbidden': 'Halaman ini hanya untuk administrator.',
  'common.prev': 'Sebelumnya',
  'common.next': 'Berikutnya',
};

const en = {
  'site.name': 'Pendopo',
  'site.tagline': 'Open public-services platform',
  'site.regency': 'Kabupaten Purbalingga',
  'skip': 'Skip to main content',
  'nav.label': 'Main menu',
  'nav.home': 'Home',
  'nav.profile': 'Profile',
  'map.unavailable': 'The map cannot be loaded; what it shows is in the list or fields beside it.',
  'map.tiles_failed': 'The base map is unavailable right now; markers still show, and what they show is in the list beside it.',
  'map.tiles_failed_pick': 'The base map is unavailable right now. You can still tap the map, or choose the district and village.',
  'map.use_picker': 'Choose district and village',
  'chart.table': 'Data table',
  'chart.label': 'Item',
  'chart.value': 'Value',
  'chart.unavailable': 'The chart cannot be loaded; its figures are in the data table.',
  'auth.login': 'Log in',
  'auth.register': 'Register',
  'auth.logout': 'Log out',
  'auth.account': 'Account',
  'auth.logged_in_as': 'Logged in as {name}',
  'footer.copy': '© {year} Government of {regency}',
  'footer.about': 'Pendopo is the open public-services platform for the people of {regency}.',
  'footer.time': 'All times are shown in WIB (UTC+7).',
  'footer.label': 'Site information',

  'title.home': 'Home · Pendopo',
  'title.login': 'Log in · Pendopo',
  'title.register': 'Register · Pendopo',
  'title.profile': 'My profile · Pendopo',

  'title.404': 'Page not found · Pendopo',

  'home.eyebrow': 'Online public services',
  'home.title': 'Public services of {regency}',
  'home.lead': 'File a complaint, apply for a permit, take a queue number and find government data — all in one place, at any time.',
  'home.cta_register': 'Create an account',
  'home.cta_login': 'Log in',
  'home.cta_profile': 'My profile',
  'home.welcome': 'Welcome, {name}.',
  'home.services': 'Services',
  'home.services_lead': 'Choose the service you need. Services marked “Coming soon” are being prepared.',
  'badge.soon': 'Coming soon',
  'svc.matur.name': 'Matur Bupati',
  'svc.matur.tag': 'Complaints & suggestions',
  'svc.matur.desc': 'Send complaints and suggestions to the Regent and the regional agencies, and follow how they are handled.',
  'svc.siintan.name': 'Si-Intan',
  'svc.siintan.tag': 'Research permits',
  'svc.siintan.desc': 'Apply for a research permit letter online and receive an electronically signed letter.',
  'svc.simantri.name': 'Simantri',
  'svc.simantri.tag': 'Health centre & hospital queues',
  'svc.simantri.desc': 'Take a queue number at a health centre or hospital and follow the calls from home.',
  'svc.satudata.name': 'Satu Data',
  'svc.satudata.tag': 'Open data',
  'svc.satudata.desc': 'Find and download official data published by the regional agencies.',

  'svc.ppid.name': 'PPID',
  'svc.ppid.tag': 'Public information requests',
  'svc.ppid.desc': 'Request public information and file objections under Law 14/2008.',
  'svc.ikm.name': 'IKM',
  'svc.ikm.tag': 'Public satisfaction survey',
  'svc.ikm.desc': 'Rate the service you received so that it keeps getting better.',
  'svc.desa.name': 'Desa Digital',
  'svc.desa.tag': 'Village services',
  'svc.desa.desc': 'Request village letters and see information about your village.',

  'form.optional': '(optional)',
  'form.sending': 'Sending…',
  'form.show_password': 'Show password',

  'validation.required': 'This field is required.',
  'validation.email': 'Enter a valid email address, for example name@example.id.',
  'validation.min_length': 'At least {n} characters.',
  'validation.max_length': 'At most {n} characters.',
  'validation.min': 'At least {n}.',
  'validation.max': 'At most {n}.',
  'validation.pattern': 'This value is not in the expected format.',
  'validation.phone': 'A phone number may only hold digits, spaces, + or -.',
  'validation.email_or_phone': 'Enter an email address or a phone number (one is required).',
  'validation.password_mismatch': 'The passwords do not match.',
  'validation.date': 'Enter a valid date.',
  'validation.summary': 'Some fields need your attention.',

  'error.invalid_json': 'The server could not read the request.',
  'error.unknown_field': 'The request contained an unknown field.',
  'error.invalid': 'Some values are not valid.',
  'error.invalid.phone': 'The phone number must be a number such as 0812 3456 7890, or + with the country code.',
  'error.invalid.current_password': 'The current password is wrong.',
  'error.invalid.date': 'The date is not valid.',
  'error.unauthenticated': 'Please log in first.',
  'error.invalid_credentials': 'Wrong email/phone number or password.',
  'error.invalid_credentials.current_password': 'The current password is wrong.',
  'error.forbidden': 'You are not allowed to do this.',
  'error.cross_site': 'Another site\'s page may not change anything here. Open this page from Pendopo\'s own address.',
  'error.unsupported_media_type': 'The data must be sent as JSON.',
  'error.csrf': 'Your session needs refreshing. Reload the page and try again.',
  'error.not_found': 'Not found.',
  'error.method_not_allowed': 'This action is not available.',
  'error.conflict': 'This already exists or is still in use.',
  'error.conflict.email': 'This email address is already registered.',
  'error.conflict.phone': 'This phone number is already registered.',
  'error.conflict.code': 'This code is already taken.',
  'error.conflict.date': 'There is already a holiday on this date.',
  'error.too_large': 'What you sent is too large.',
  'error.rate_limited': 'Too many attempts from this address.',
  'error.invalid_code': 'Wrong or expired code; check it or ask for a new one.',
  'error.channel_unavailable': 'Codes cannot be sent by WhatsApp or SMS right now.',
  'error.account_locked': 'Too many failed logins to this account from your device.',
  'error.retry_after': 'Try again in {time}.',
  'error.busy': 'The server is busy. Try again in a moment.',
  'error.internal': 'Something went wrong on the server. Try again later.',
  'error.network': 'Cannot reach the server. Check your connection.',
  'error.storage_full': 'The server\'s storage is full; nothing was saved. Try again later.',
  'error.storage_error': 'The server\'s storage failed; nothing was saved. Try again later.',
  'error.not_pdf': 'The file is not a PDF.',
  'error.incomplete': 'The application is not complete yet.',
  'error.report_overdue': 'A research report of yours is overdue: submit it before applying again.',
  'error.database_unavailable': 'The database cannot be reached; nothing was saved. Try again in a few seconds.',
  'error.no_session': 'There is no practice session on this date.',
  'error.session_over': 'This practice session has ended.',
  'error.closed': 'The facility is closed on this date.',
  'error.not_open_yet': 'Booking for this date is not open yet.',
  'error.booking_closed': 'Booking for this date has closed.',
  'error.already_booked': 'This person already has a number on this date.',
  'error.quota_full': 'No numbers are left for this session.',
  'error.cancelled': 'This booking is cancelled.',
  'error.already_checked_in': 'This booking is already checked in.',
  'error.not_today': 'This booking is for another day.',
  'error.too_early': 'Check-in is not open yet.',
  'error.late': 'Too late for the booked time. Please take a walk-in number.',

  'login.title': 'Log in',
  'login.lead': 'Log in to submit and follow your requests.',
  'login.identifier': 'Email or phone number',
  'login.password': 'Password',
  'login.submit': 'Log in',
  'login.no_account': 'No account yet?',
  'login.register_link': 'Register now',
  'login.by_phone': 'Log in with your phone number',
  'login.by_phone_lead': 'No password: we send a code by WhatsApp or SMS. A number without an account gets one.',
  'login.phone': 'Phone number',
  'login.channel': 'Send the code by',
  'login.send_code': 'Send code',
  'login.resend': 'Send the code again',
  'login.code_sent': 'Code sent to {phone} by {channel}. Valid for 5 minutes.',
  'login.code': 'Code from the message',
  'login.code_pattern': 'The code has 6 digits.',
  'login.name_new': 'Full name (this number has no account yet)',
  'login.name_needed': 'This number has no account yet: enter your name to create one.',

  'register.title': 'Create an account',
  'register.lead': 'One account for every Pendopo service.',
  'register.name': 'Full name',
  'register.email': 'Email',
  'register.phone': 'Phone number',
  'register.contact_legend': 'Contact',
  'register.contact_hint': 'Enter an email address, a phone number, or both. One is required.',
  'register.password': 'Password',
  'register.password_hint': 'At least 8 characters, not a common word or a pattern like 12345678.',
  'register.password2': 'Repeat the password',
  'register.submit': 'Register',
  'register.by_phone': 'Register with just your phone number, no password',
  'register.have_account': 'Already have an account?',
  'register.login_link': 'Log in',

  'profile.title': 'My profile',
  'profile.account': 'Account details',
  'profile.name': 'Full name',
  'profile.email': 'Email',
  'profile.phone': 'Phone number',
  'profile.lang': 'Language',
  'profile.lang_hint': 'Language of the pages and of notifications.',
  'profile.roles': 'Roles',
  'profile.since': 'Registered on',
  'profile.edit': 'Edit profile',
  'profile.save': 'Save changes',
  'profile.saved': 'Profile saved.',
  'profile.unchanged': 'Nothing changed.',
  'profile.channels': 'Notifications',
  'profile.channels_lead': 'News about your requests always shows in the app. Choose where else it is sent.',
  'profile.channel_in_app': 'In the app (always)',
  'profile.channel_email': 'Email',
  'profile.channel_whatsapp': 'WhatsApp',
  'profile.channel_sms': 'SMS',
  'profile.channels_hint': 'Email needs an email address; WhatsApp and SMS need a phone number in your profile.',
  'profile.channels_save': 'Save choice',
  'profile.channels_saved': 'Notification choice saved.',
  'profile.password': 'Change password',
  'profile.password_lead': 'Changing the password ends your sessions on other devices.',
  'profile.current_password': 'Current password',
  'profile.new_password': 'New password',
  'profile.new_password2': 'Repeat the new password',
  'profile.password_submit': 'Change password',
  'profile.password_saved': 'Password changed. Sessions on other devices have ended.',
  'lang.id': 'Bahasa Indonesia',
  'lang.en': 'English',

  'role.citizen': 'Citizen',
  'role.officer': 'Officer',
  'role.unit_head': 'Unit head',
  'role.walidata': 'Data steward (walidata)',
  'role.village_operator': 'Village operator',
  'role.village_head': 'Village head',
  'role.admin': 'Administrator',
  'role.regent_office': 'Regent’s office',

  'common.edit': 'Edit',
  'common.delete': 'Delete',
  'common.close': 'Close',
  'common.cancel': 'Cancel',
  'common.save': 'Save',
  'common.loading': 'Loading…',
  'common.confirm': 'Confirm',
  'common.yes_delete': 'Yes, delete',
  'common.actions': 'Actions',
  'common.none': '—',
  'common.load_failed': 'Could not load the data: {message}',
  'common.choose': '— Choose —',

  'kind.secretariat': 'Secretariat',
  'kind.agency': 'Agency',
  'kind.office': 'Office',
  'kind.hospital': 'Hospital',
  'kind.health_facility': 'Health facility',
  'kind.district': 'District',
  'kind.other': 'Other',

  'notfound.title': 'Page not found',
  'notfound.lead': 'The address you opened does not exist or has moved.',
  'notfound.home': 'Back to the home page',

  'error.busy_counter': 'Finish, transfer or skip the patient being served first.',
  'error.counter_closed': 'The counter is closed or paused. Open it first.',
  'error.no_patient': 'The counter is serving nobody. Call a patient first.',
  'error.line_empty': 'Nobody is waiting.',
  'error.recall_first': 'Call the patient again, as the rules ask, before skipping them.',
  'error.already_revoked': 'This letter is revoked already.',
  'error.signing_unavailable': 'Letters cannot be signed yet: no signing key is installed.',
  'error.bsre_not_configured': 'The BSrE electronic signature service is not available here.',
  'error.bsre_refused': 'BSrE refused to sign; check the NIK and passphrase.',
  'error.bsre_failed': 'BSrE could not be reached or failed; the letter keeps its Ed25519 signature.',
  'error.survey_answered': 'The survey for this service has already been answered. Thank you.',
  'error.survey_code_used': 'This kiosk code has already been used.',
  'error.bad_signature': 'The request\'s signature is missing or wrong.',
  'admin.forbidden_title': 'Access denied',
  'admin.forbidden': 'This page is for administrators only.',
  'common.prev': 'Previous',
  'common.next': 'Next',
};

// The core texts as written here (the tests read them); DICTS gathers them
// with the texts of the services this page loaded.
export const core = { id, en };
const DICTS = { id: { ...id }, en: { ...en } };

// A service's dictionary joins the page's (i18n/<service>.js call this).
export function extend(more) {
  Object.assign(DICTS.id, more.id);
  Object.assign(DICTS.en, more.en);
}

function stored() {
  try { return localStorage.getItem(STORAGE_KEY); } catch { return null; }
}

let current = LANGS.includes(stored()) ? stored() : 'id';

export function getLang() { return current; }
export function hasChosenLang() { return LANGS.includes(stored()); }

export function has(key) { return key in DICTS[current] || key in DICTS.id; }

export function t(key, vars) {
  let s = DICTS[current][key] ?? DICTS.id[key] ?? key;
  if (vars) s = s.replace(/\{(\w+)\}/g, (m, name) => (vars[name] !== undefined && vars[name] !== null ? String(vars[name]) : m));
  return s;
}

function varsOf(el) {
  const raw = el.getAttribute('data-i18n-vars');
  if (!raw) return undefined;
  try { return JSON.parse(raw); } catch { return undefined; }
}

export function applyI18n(root = document) {
  document.documentElement.lang = current;
  const scope = root.querySelectorAll ? root : document;
  const pick = (attr) => {
    const list = Array.from(scope.querySelectorAll(`[${attr}]`));
    if (root !== document && root.hasAttribute && root.hasAttribute(attr)) list.unshift(root);
    return list;
  };
  for (const el of pick('data-i18n')) el.textContent = t(el.getAttribute('data-i18n'), varsOf(el));
  for (const el of pick('data-i18n-placeholder')) el.setAttribute('placeholder', t(el.getAttribute('data-i18n-placeholder'), varsOf(el)));
  for (const el of pick('data-i18n-aria-label')) el.setAttribute('aria-label', t(el.getAttribute('data-i18n-aria-label'), varsOf(el)));
}

export function setLang(lang, { persist = true } = {}) {
  if (!LANGS.includes(lang)) return;
  if (persist) { try { localStorage.setItem(STORAGE_KEY, lang); } catch { /* private mode */ } }
  if (lang === current) return;
  current = lang;
  applyI18n();
  window.dispatchEvent(new CustomEvent('pendopo:lang', { detail: { lang } }));
}

export function onLangChange(fn) {
  window.addEventListener('pendopo:lang', () => fn(current));
}

// Mark an element for (re)translation and fill it now.
export function tr(el, key, vars) {
  el.setAttribute('data-i18n', key);
  if (vars) el.setAttribute('data-i18n-vars', JSON.stringify(vars));
  else el.removeAttribute('data-i18n-vars');
  el.textContent = t(key, vars);
  return el;
}

function duration(seconds) {
  const unit = seconds >= 90 ? 'minute' : 'second';
  const n = unit === 'minute' ? Math.ceil(seconds / 60) : seconds;
  try {
    return new Intl.NumberFormat(current === 'en' ? 'en-GB' : 'id-ID', { style: 'unit', unit, unitDisplay: 'long' }).format(n);
  } catch {
    return `${n} ${unit}`;
  }
}

// Codes whose server message carries facts worth showing as they are
// (when a lock ends).
const SERVER_WORDS = new Set(['account_locked', 'rate_limited']);

// Codes whose server message says exactly what is wrong (which field and
// why, what the stored data conflicts with, which date is closed, when
// check-in opens, which document is missing, how large a file may be, who
// may do this, what was not found): shown as the server words it. The API
// client sends the page's language, and the server answers in it (the call
// site's own text in both languages, core/errors.c's where it has none),
// so those words are the page's language too.
const SERVER_SAYS = new Set(['invalid', 'unknown_field', 'conflict', 'no_session', 'session_over', 'closed', 'not_open_yet',
  'booking_closed', 'already_booked', 'quota_full', 'cancelled', 'already_checked_in', 'not_today', 'too_early', 'late',
  'incomplete', 'too_large', 'forbidden', 'not_found']);

// A message for an ApiError (or any Error) in the page's language, chosen
// by its code: the page's own text for the code (and field), or the
// server's words where those carry the facts.
export function errorMessage(err) {
  if (!err) return t('error.internal');
  const code = err.code || 'internal';
  const field = err.field ? String(err.field).replace(/[[.].*$/, '') : null;
  if (field && has(`error.${code}.${field}`)) return t(`error.${code}.${field}`);
  if (code === 'account_locked' || code === 'rate_limited') {
    let msg = t(`error.${code}`);
    if (err.retryAfter) msg += ` ${t('error.retry_after', { time: duration(err.retryAfter) })}`;
    return msg;
  }
  if (SERVER_SAYS.has(code) && err.message && err.message !== code) return sentence(err.message);
  if (has(`error.${code}`)) return t(`error.${code}`);
  return t('error.internal');
}

// The server's own words, when they add something to errorMessage().
export function errorDetail(err) {
  if (!err || !SERVER_WORDS.has(err.code) || !err.message || err.message === err.code) return null;
  return sentence(err.message);
}

function sentence(s) {
  s = String(s).trim();
  if (!s) return s;
  s = s[0].toUpperCase() + s.slice(1);
  return /[.!?]$/.test(s) ? s : `${s}.`;
}
