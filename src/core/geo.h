/* geo.h - the regency's extent as a box of latitude and longitude, which a
 * map pin in a complaint must lie in.
 *
 * The region register holds codes and names but no shapes, so the extent
 * is configured (--regency-bounds); the default is Purbalingga's, the
 * default regency's.
 */
#ifndef PENDOPO_GEO_H
#define PENDOPO_GEO_H

#include <stdbool.h>

struct geo_box {
	double south, west, north, east;	/* degrees; set false: no box */
	bool set;
};

/* "south,west,north,east" in degrees, or "none" (no box): 0 with *out
 * filled, -1 when text is neither. */
int geo_box_parse(const char *text, struct geo_box *out);

/* True when (lat, lon) lies inside b, its edges included, or b is unset. */
bool geo_box_holds(const struct geo_box *b, double lat, double lon);

#endif
