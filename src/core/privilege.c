/* privilege.c - the drop from root to --user (see privilege.h).  Groups
 * first and the uid last: once the uid is gone, so is the right to change
 * the others. */
#include "privilege.h"

#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

int privilege_drop(const char *user, char *err, size_t errlen)
{
	struct passwd pw, *found = NULL;
	char buf[4096];
	if (getpwnam_r(user, &pw, buf, sizeof(buf), &found) != 0 || !found) {
		snprintf(err, errlen, "no user %s", user);
		return -1;
	}
	if (pw.pw_uid == 0) {
		snprintf(err, errlen, "%s is root", user);
		return -1;
	}
	if (initgroups(pw.pw_name, pw.pw_gid) != 0 || setgid(pw.pw_gid) != 0 || setuid(pw.pw_uid) != 0) {
		snprintf(err, errlen, "cannot become %s: %s", user, strerror(errno));
		return -1;
	}
	if (setuid(0) == 0 || geteuid() == 0) {
		snprintf(err, errlen, "root could be taken back after becoming %s", user);
		return -1;
	}
	return 0;
}
