/* regions.h - the register of Indonesian regions by Kemendagri code.
 *
 * Provinces ("33"), regencies and cities ("33.03"), districts ("33.03.01")
 * and villages ("33.03.01.2001"), loaded from the published list by
 * `pendopo import regions FILE` and read by everything that names a place.
 * Other code calls these functions; only this unit touches its tables.
 */
#ifndef PENDOPO_REGIONS_H
#define PENDOPO_REGIONS_H

#include <stddef.h>
#include "db.h"
#include "module.h"

struct arena;

extern const struct module regions_module;

struct region {
	const char *kode;
	const char *nama;
	int level;		/* 1 province, 2 regency/city, 3 district, 4 village */
};

/* Replace the register with a CSV file whose header is "kode,nama", in
 * one transaction: on any bad row (with its line in err) nothing changes.
 * A process serving the database answers from the new register within
 * 30 s, its next tick (regions_index.h).  0 ok with *rows set, -1 with
 * err filled. */
int regions_import_csv(struct db_conn *c, const char *path, long *rows, char *err, size_t errlen);

/* 0 found (nama copied to a, either out may be NULL), 1 not found, <0 error. */
int regions_lookup(struct db_conn *c, struct arena *a, const char *kode,
		   const char **nama, int *level);
/* The same with the name of kode's parent (a village's district) in one
 * statement; *parent_nama NULL when the register has no parent row. */
int regions_lookup_parent(struct db_conn *c, struct arena *a, const char *kode,
			  const char **nama, int *level, const char **parent_nama);

/* 1 when kode is in the register, else 0; conn is a struct db_conn *.
 * Shaped for nik_check(). */
int regions_exists_cb(void *conn, const char *kode);

/* The regions directly below parent (NULL: the provinces) in code order,
 * as an array in a.  0 ok (*n may be 0), -1 on error. */
int regions_children(struct db_conn *c, struct arena *a, const char *parent,
		     struct region **out, size_t *n);

/* The same two answers, copied into a, from the served copy of the
 * register (app->regions, regions_index.h) when there is one, else from
 * SQL: for pages that read many names per request. */
struct app;
int regions_lookup_app(const struct app *app, struct db_conn *c, struct arena *a, const char *kode,
		       const char **nama, int *level);
int regions_children_app(const struct app *app, struct db_conn *c, struct arena *a, const char *parent,
			 struct region **out, size_t *n);

#endif
