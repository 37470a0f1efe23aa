/* app.h - the long-lived state of one pendopo process.
 *
 * Built once by main.c and passed down; nothing else in the program keeps
 * mutable state of its own.
 */
#ifndef PENDOPO_APP_H
#define PENDOPO_APP_H

#include <stddef.h>
#include <time.h>
#include "db.h"
#include "geo.h"
#include "module.h"

struct config {
	const char *db_url;		/* PENDOPO_DB */
	const char *db_read_url;	/* PENDOPO_DB_READ: a streaming replica for public reads; NULL: none */
	int db_read_max_lag_ms;		/* PENDOPO_DB_READ_MAX_LAG_MS: staler than this, reads go to the primary */
	const char *listen;		/* PENDOPO_LISTEN, "127.0.0.1:8080" */
	const char *data_dir;		/* PENDOPO_DATA_DIR, uploads etc. */
	const char *web_dir;		/* PENDOPO_WEB_DIR, static front end */
	const char *regency_code;	/* PENDOPO_REGENCY, "33.03" */
	struct geo_box regency_bounds;	/* PENDOPO_REGENCY_BOUNDS: where a map pin may lie */
	const char *base_url;		/* PENDOPO_BASE_URL, for links in letters */
	int threads;			/* PENDOPO_THREADS: 0 = thread per connection */
	int db_pool;			/* PENDOPO_DB_POOL */
	int conn_limit;			/* PENDOPO_CONN_LIMIT */
	int per_ip_limit;		/* PENDOPO_PER_IP_LIMIT */
	int timeout_s;			/* PENDOPO_TIMEOUT */
	int header_timeout_s;		/* PENDOPO_HEADER_TIMEOUT */
	int body_min_rate;		/* PENDOPO_BODY_MIN_RATE, bytes a second */
	int submit_per_hour;		/* PENDOPO_SUBMIT_PER_HOUR, per account and route */
	int submit_per_hour_address;	/* PENDOPO_SUBMIT_PER_HOUR_ADDRESS, per address and route */
	const char *run_as;		/* PENDOPO_USER: whom to become after binding */
	size_t body_limit;		/* JSON bodies, 1 MiB */
	size_t upload_limit;		/* uploads, PENDOPO_UPLOAD_LIMIT */
	int login_max_failures;		/* per account and address, before a lock */
	int lockout_minutes;		/* the lock, and the window failures count in */
	int ip_auth_per_minute;		/* login+register attempts per IP */
	int session_days;
	int access_log;			/* PENDOPO_ACCESS_LOG: 0 silences it */
	long clock_offset;		/* PENDOPO_CLOCK: seconds added to the real clock */
	int regions_index;		/* PENDOPO_REGIONS_INDEX: 0 answers regions from SQL */
	int audit_seal_ms;		/* PENDOPO_AUDIT_SEAL_MS: PostgreSQL sealer's interval; 0 = tick only */
	int tick_s;			/* PENDOPO_TICK_SECONDS: the periodic work's interval */
	const char *trusted_proxies;	/* PENDOPO_TRUSTED_PROXIES, as given; NULL trusts no one */
	const char *cors_origins;	/* PENDOPO_CORS_ORIGINS: "*" or a comma list; NULL: none */
	/* Letters (letters.h): the letterhead, fonts and BSrE; the keys
	 * themselves are loaded into app.letter_keys. */
	const char *letterhead;		/* PENDOPO_LETTERHEAD, the regency's line */
	const char *letterhead_address;	/* PENDOPO_LETTERHEAD_ADDRESS */
	const char *letters_fonts;	/* PENDOPO_LETTERS_FONTS, folder of the TTF fonts */
	const char *bsre_url;		/* PENDOPO_BSRE_URL; NULL: no certified signatures */
	const char *bsre_user;		/* PENDOPO_BSRE_USER */
	const char *bsre_password;	/* PENDOPO_BSRE_PASSWORD */
};

struct metrics;
struct events;
struct regions_index;
struct trusted_proxies;
struct router;
struct letter_keys;
struct channels;
struct village_pages;
struct complaint_stats;
struct replica;

struct app {
	struct config cfg;
	struct db *db;
	struct replica *replica;	/* the read replica (replica.h); NULL: every read on db */
	const struct module *const *modules;
	size_t nmodules;
	const struct router *router;	/* every route, while serving (server.c) */
	struct metrics *metrics;
	struct events *events;
	struct regions_index *regions;	/* read-only copy of the register, regions.c */
	struct trusted_proxies *proxies;	/* whose forwarded headers to believe, proxy.h; NULL: no one's */
	struct letter_keys *letter_keys;	/* signing and verifying keys, letters.h; NULL: none */
	struct channels *channels;	/* delivery channels and their worker (src/channels); NULL: none */
	struct village_pages *village_pages;	/* public village pages kept ready (src/villages); NULL: none */
	struct complaint_stats *complaint_stats;	/* public complaint statistics kept ready (src/complaints); NULL: none */
	unsigned code_channels;		/* which of them carry login codes: NOTICE_WHATSAPP, NOTICE_SMS (outbox.h) */
};

/* The service clock: deadlines, booking windows and auto-closing read the
 * time here, so a demo or a test can run the regency's calendar from a
 * chosen moment (PENDOPO_CLOCK) while time still flows. */
static inline time_t app_now(const struct app *app)
{
	return time(NULL) + app->cfg.clock_offset;
}

#endif
