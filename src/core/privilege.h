/* privilege.h - giving up root once the listening socket is bound: a
 * server started as root (to bind port 80, or by a plain init script) runs
 * its requests as an unprivileged user. */
#ifndef PENDOPO_PRIVILEGE_H
#define PENDOPO_PRIVILEGE_H

#include <stddef.h>

/* Become user (a name from the password database): its groups, its group,
 * then its uid, and check that root cannot be taken back.  0, or -1 with
 * why in err. */
int privilege_drop(const char *user, char *err, size_t errlen);

#endif
