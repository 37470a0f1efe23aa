/* backup.c - `pendopo backup DEST` and `pendopo restore SRC`.
 *
 * A backup is a folder: pendopo.db (SQLite's online backup of the
 * database) beside files/ (the stored files, laid out as in the data
 * folder), or pendopo.dump (pg_dump's custom format; on PostgreSQL the
 * files are rows in it).  It is written under a temporary name beside
 * DEST (DEST.partial.PID) and renamed to DEST once complete and on disk,
 * so a backup killed halfway leaves no DEST and does not stand in the next
 * one's way.  A restore fills an empty database: files first, each checked
 * against its name, then the database in one transaction, so a restore cut
 * short can simply be run again.
 */
#include "backup.h"
#include "app.h"
#include "cli.h"
#include "db.h"
#include "files.h"

#include "util.h"
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define PATH_LEN 4096

/* a/b into out; -1 (ENAMETOOLONG) when it does not fit. */
static int path_join(char *out, const char *a, const char *b)
{
	int w = snprintf(out, PATH_LEN, "%s/%s", a, b);
	if (w < 0 || w >= PATH_LEN)
		return errno = ENAMETOOLONG, -1;
	return 0;
}

static int unlink_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st, (void)flag, (void)ftw;
	return remove(path);
}

static void remove_tree(const char *dir)
{
	nftw(dir, unlink_entry, 16, FTW_DEPTH | FTW_PHYS);
}

static int copy_file(const char *from, const char *to)
{
	int in = open(from, O_RDONLY | O_CLOEXEC);
	if (in < 0)
		return -1;
	int out = open(to, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	char buf[65536];
	ssize_t r = out < 0 ? -1 : 0;
	while (out >= 0 && (r = read(in, buf, sizeof(buf))) != 0) {
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			break;
		for (ssize_t done = 0, w; done < r; done += w)
			if ((w = write(out, buf + done, (size_t)(r - done))) < 0 && errno != EINTR)
				goto fail;
			else if (w < 0)
				w = 0;
	}
	if (r == 0 && fsync(out) == 0) {
		close(in);
		return close(out);
	}
fail:
	close(in);
	if (out >= 0)
		close(out);
	return -1;
}

/* A stored file's folder: two lower-case hex digits. */
static int shard_name(const char *s)
{
	return strlen(s) == 2 && strspn(s, "0123456789abcdef") == 2;
}

/* Every stored file of data_dir into to (a backup's files/): linked when
 * both lie on one filesystem, since a stored file never changes (other
 * content is another name), else copied; those already there are skipped,
 * so a second pass adds only what was stored meanwhile.  The count of
 * files in to, or -1 (errno). */
static long files_backup(const char *data_dir, const char *to)
{
	char from[PATH_LEN], fdir[PATH_LEN], tdir[PATH_LEN], f[PATH_LEN], t[PATH_LEN];
	if (path_join(from, data_dir, "files") != 0)
		return -1;
	DIR *top = opendir(from);
	if (!top)
		return errno == ENOENT ? 0 : -1;
	long n = 0;
	if (mkdir(to, 0700) != 0 && errno != EEXIST)
		n = -1;
	for (struct dirent *d; n >= 0 && (d = readdir(top));) {
		if (!shard_name(d->d_name))
			continue;
		DIR *sub = NULL;
		if (path_join(fdir, from, d->d_name) != 0 || path_join(tdir, to, d->d_name) != 0 ||
		    !(sub = opendir(fdir)) || (mkdir(tdir, 0700) != 0 && errno != EEXIST))
			n = -1;
		for (struct dirent *e; n >= 0 && sub && (e = readdir(sub));) {
			/* Temporary names of files being stored are not files yet. */
			if (!files_sha_valid(e->d_name))
				continue;
			if (path_join(f, fdir, e->d_name) != 0 || path_join(t, tdir, e->d_name) != 0)
				n = -1;
			else if (access(t, F_OK) == 0 || link(f, t) == 0 || (errno != ENOENT && copy_file(f, t) == 0))
				n++;
			else if (errno != ENOENT)	/* ENOENT: removed meanwhile, unused */
				n = -1;
		}
		if (sub)
			closedir(sub);
		if (n >= 0 && fsync_dir(tdir) != 0)
			n = -1;
	}
	closedir(top);
	if (n >= 0 && fsync_dir(to) != 0)
		n = -1;
	return n;
}

/* The backup's files into the data folder through files_put, which checks
 * each one's content against its name and stores it as an upload is
 * stored.  The count, or -1 (said on stderr). */
static long files_restore(struct app *app, const char *from)
{
	char sdir[PATH_LEN], f[PATH_LEN];
	DIR *top = opendir(from);
	if (!top)
		return errno == ENOENT ? 0 : -1;
	long n = 0;
	for (struct dirent *d; n >= 0 && (d = readdir(top));) {
		if (!shard_name(d->d_name))
			continue;
		DIR *sub = path_join(sdir, from, d->d_name) == 0 ? opendir(sdir) : NULL;
		if (!sub)
			n = -1;
		for (struct dirent *e; n >= 0 && sub && (e = readdir(sub));) {
			if (!files_sha_valid(e->d_name))
				continue;
			int fd = path_join(f, sdir, e->d_name) == 0 ? open(f, O_RDONLY | O_CLOEXEC) : -1;
			struct stat st;
			char *data = NULL, sha[65] = "";
			ssize_t got = -1;
			if (fd >= 0 && fstat(fd, &st) == 0 && (data = malloc((size_t)st.st_size + 1)))
				for (got = 0; got < st.st_size;) {
					ssize_t r = read(fd, data + got, (size_t)(st.st_size - got));
					if (r <= 0 && !(r < 0 && errno == EINTR)) {
						got = -1;
						break;
					}
					got += r > 0 ? r : 0;
				}
			if (fd >= 0)
				close(fd);
			if (got < 0 || files_put(app, NULL, data, (size_t)got, sha) != 0) {
				fprintf(stderr, "pendopo restore: %s: %s\n", f, strerror(errno));
				n = -1;
			} else if (strcmp(sha, e->d_name) != 0) {
				fprintf(stderr, "pendopo restore: %s: its content does not match its name; "
						"the backup is damaged\n", f);
				n = -1;
			} else {
				n++;
			}
			free(data);
		}
		if (sub)
			closedir(sub);
	}
	closedir(top);
	return n;
}

static const char *dump_name(const struct db *db)
{
	return db_dialect(db) == DB_SQLITE ? "pendopo.db" : "pendopo.dump";
}

int backup_command(struct cli *cli, int argc, char **argv)
{
	if (argc != 1)
		return cli_usage(cli);
	const char *dest = argv[0];
	char tmp[PATH_LEN], path[PATH_LEN], err[512], parent[PATH_LEN];
	struct stat st;
	if (lstat(dest, &st) == 0) {
		fprintf(stderr, "pendopo backup: %s exists; give a new name\n", dest);
		return 1;
	}
	if (snprintf(tmp, sizeof(tmp), "%s.partial.%ld", dest, (long)getpid()) >= (int)sizeof(tmp) - 64) {
		fprintf(stderr, "pendopo backup: %s: name too long\n", dest);
		return 1;
	}
	struct db *db = cli_db(cli, 1);
	if (!db)
		return 1;
	int rc = 1;
	long files = 0;
	const char *data_dir = cli_opt(cli, "--data-dir");
	path_join(path, tmp, dump_name(db));
	if (mkdir(tmp, 0700) != 0) {
		fprintf(stderr, "pendopo backup: %s: %s\n", tmp, strerror(errno));
		db_close(db);
		return 1;
	}
	if (db_dialect(db) == DB_SQLITE) {
		/* Files before and after the database's snapshot: a file its
		 * rows name was stored before it, so the second pass has it
		 * unless it was removed as unused in between. */
		char to[PATH_LEN];
		path_join(to, tmp, "files");
		if (files_backup(data_dir, to) < 0 || db_dump(db, path, err, sizeof(err)) != DB_OK ||
		    (files = files_backup(data_dir, to)) < 0) {
			fprintf(stderr, "pendopo backup: %s\n", errno && files < 0 ? strerror(errno) : err);
			goto out;
		}
	} else if (db_dump(db, path, err, sizeof(err)) != DB_OK) {
		fprintf(stderr, "pendopo backup: %s\n", err);
		goto out;
	}
	snprintf(parent, sizeof(parent), "%s", dest);
	if (fsync_dir(tmp) != 0 || renameat2(AT_FDCWD, tmp, AT_FDCWD, dest, RENAME_NOREPLACE) != 0 ||
	    fsync_dir(dirname(parent)) != 0) {
		fprintf(stderr, "pendopo backup: %s: %s\n", dest, strerror(errno));
		goto out;
	}
	if (path_join(path, dest, dump_name(db)) != 0 || stat(path, &st) != 0)
		st.st_size = 0;
	printf("backup written to %s: %s %.1f MB", dest, dump_name(db), (double)st.st_size / 1e6);
	if (db_dialect(db) == DB_SQLITE)
		printf(", %ld files", files);
	printf("\n");
	rc = 0;
out:
	if (rc != 0)
		remove_tree(tmp);
	db_close(db);
	return rc;
}

int restore_command(struct cli *cli, int argc, char **argv)
{
	if (argc != 1)
		return cli_usage(cli);
	const char *src = argv[0];
	struct db *db = cli_db(cli, 1);
	if (!db)
		return 1;
	char path[PATH_LEN], files_dir[PATH_LEN], err[512];
	int rc = 1;
	long files = 0;
	struct app app = { .db = db };
	app.cfg.data_dir = cli_opt(cli, "--data-dir");
	if (path_join(path, src, dump_name(db)) != 0 || path_join(files_dir, src, "files") != 0 ||
	    access(path, R_OK) != 0) {
		fprintf(stderr, "pendopo restore: %s is not a backup of a %s database (no %s in it)\n", src,
			db_dialect(db) == DB_SQLITE ? "SQLite" : "PostgreSQL", dump_name(db));
		goto out;
	}
	if (db_dialect(db) == DB_SQLITE && (files = files_restore(&app, files_dir)) < 0)
		goto out;
	if (db_load(db, path, err, sizeof(err)) != DB_OK) {
		fprintf(stderr, "pendopo restore: %s\n", err);
		goto out;
	}
	if (db_dialect(db) == DB_SQLITE) {
		struct db_conn *c = db_acquire(db);
		struct db_stmt *st = db_query(c, "PRAGMA integrity_check", "");
		int ok = st && db_step(st) == DB_ROW && strcmp(db_col_text(st, 0), "ok") == 0;
		if (st)
			db_done(st);
		db_release(db, c);
		if (!ok) {
			fprintf(stderr, "pendopo restore: the restored database fails SQLite's integrity check\n");
			goto out;
		}
		printf("restored %s: database and %ld files\n", src, files);
	} else {
		printf("restored %s\n", src);
	}
	rc = 0;
out:
	db_close(db);
	return rc;
}
