/* geo.c - the regency's extent (geo.h). */
#include "geo.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

int geo_box_parse(const char *text, struct geo_box *out)
{
	memset(out, 0, sizeof(*out));
	if (!text || strcmp(text, "none") == 0)
		return text ? 0 : -1;
	double v[4];
	const char *p = text;
	for (int i = 0; i < 4; i++) {
		char *end;
		v[i] = strtod(p, &end);
		if (end == p || !isfinite(v[i]) || *end != (i < 3 ? ',' : '\0'))
			return -1;
		p = end + 1;
	}
	if (v[0] < -90 || v[2] > 90 || v[0] >= v[2] || v[1] < -180 || v[3] > 180 || v[1] >= v[3])
		return -1;
	*out = (struct geo_box){ .south = v[0], .west = v[1], .north = v[2], .east = v[3], .set = true };
	return 0;
}

bool geo_box_holds(const struct geo_box *b, double lat, double lon)
{
	return !b->set || (lat >= b->south && lat <= b->north && lon >= b->west && lon <= b->east);
}
