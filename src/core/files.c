/* files.c - image sniffing, metadata stripping and content-addressed file
 * storage (see files.h). */
#include "files.h"
#include "arena.h"
#include "util.h"

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

enum image_kind image_sniff(const void *data, size_t len)
{
	static const unsigned char png[8] = { 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n' };
	const unsigned char *p = data;
	if (len >= 4 && p[0] == 0xff && p[1] == 0xd8 && p[2] == 0xff)
		return IMAGE_JPEG;
	if (len >= 8 && memcmp(p, png, 8) == 0)
		return IMAGE_PNG;
	return IMAGE_NONE;
}

const char *image_mime(enum image_kind k)
{
	return k == IMAGE_JPEG ? "image/jpeg" : k == IMAGE_PNG ? "image/png" : "application/octet-stream";
}

/* ---- JPEG ------------------------------------------------------------------ */

static unsigned get16(const unsigned char *p, bool le)
{
	return le ? (unsigned)(p[0] | p[1] << 8) : (unsigned)(p[0] << 8 | p[1]);
}

static uint32_t get32(const unsigned char *p, bool le)
{
	return le ? (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24
		  : (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | (uint32_t)p[3];
}

/* The orientation tag (0x0112) of IFD0 in an APP1 Exif payload, or 0. */
static unsigned exif_orientation(const unsigned char *p, size_t n)
{
	if (n < 14 || memcmp(p, "Exif\0\0", 6) != 0)
		return 0;
	const unsigned char *t = p + 6;
	size_t tn = n - 6;
	bool le;
	if (t[0] == 'I' && t[1] == 'I')
		le = true;
	else if (t[0] == 'M' && t[1] == 'M')
		le = false;
	else
		return 0;
	uint32_t ifd = get32(t + 4, le);
	if (ifd > tn - 2 || ifd < 8)
		return 0;
	unsigned count = get16(t + ifd, le);
	for (unsigned i = 0; i < count; i++) {
		size_t e = ifd + 2 + (size_t)i * 12;
		if (e + 12 > tn)
			return 0;
		if (get16(t + e, le) == 0x0112 && get16(t + e + 2, le) == 3) {
			unsigned v = get16(t + e + 8, le);
			return v >= 1 && v <= 8 ? v : 0;
		}
	}
	return 0;
}

/* A minimal APP1 segment holding only the orientation (big-endian TIFF). */
static size_t exif_minimal(unsigned char out[40], unsigned orientation)
{
	static const unsigned char head[] = {
		0xff, 0xe1, 0x00, 0x22,			/* APP1, 34 bytes after the marker */
		'E', 'x', 'i', 'f', 0, 0,
		'M', 'M', 0x00, 0x2a, 0, 0, 0, 8,	/* TIFF header, IFD0 at 8 */
		0x00, 0x01,				/* one entry */
		0x01, 0x12, 0x00, 0x03, 0, 0, 0, 1,	/* Orientation, SHORT, 1 */
	};
	memcpy(out, head, sizeof(head));
	out[sizeof(head)] = 0;
	out[sizeof(head) + 1] = (unsigned char)orientation;
	memset(out + sizeof(head) + 2, 0, 6);	/* value padding, next IFD 0 */
	return sizeof(head) + 8;
}

static long jpeg_strip(unsigned char *d, size_t len)
{
	size_t in = 2, out = 2;
	bool wrote_exif = false;

	while (in + 4 <= len) {
		if (d[in] != 0xff)
			return -1;
		unsigned char marker = d[in + 1];
		if (marker == 0xff) {		/* fill byte */
			in++;
			continue;
		}
		if (marker == 0xd8 || marker == 0xd9 || (marker >= 0xd0 && marker <= 0xd7) || marker == 0x01)
			return -1;		/* not expected before the scan */
		size_t seglen = (size_t)d[in + 2] << 8 | d[in + 3];
		if (seglen < 2 || in + 2 + seglen > len)
			return -1;
		if (marker == 0xda) {
			/* Start of scan: the entropy-coded data and the rest of
			 * the file follow unchanged. */
			memmove(d + out, d + in, len - in);
			return (long)(out + len - in);
		}
		if (marker == 0xe1 || marker == 0xed || marker == 0xfe) {
			/* Exif, XMP, IPTC, comment: dropped.  An Exif that gave an
			 * orientation is replaced in place by one holding only it;
			 * the replacement is never longer than what it replaces,
			 * and the bytes it overwrites have been read already. */
			unsigned char app1[40];
			unsigned orientation = marker == 0xe1 && !wrote_exif
					       ? exif_orientation(d + in + 4, seglen - 2) : 0;
			size_t n = orientation ? exif_minimal(app1, orientation) : 0;
			if (n && n <= 2 + seglen) {
				memcpy(d + out, app1, n);
				out += n;
				wrote_exif = true;
			}
		} else {
			memmove(d + out, d + in, 2 + seglen);
			out += 2 + seglen;
		}
		in += 2 + seglen;
	}
	return -1;			/* no scan: not a usable image */
}

/* ---- PNG -------------------------------------------------------------------- */

static long png_strip(unsigned char *d, size_t len)
{
	size_t in = 8, out = 8;
	bool first = true;
	while (in + 12 <= len) {
		uint32_t n = get32(d + in, false);
		if (n > len - in - 12)
			return -1;
		const unsigned char *type = d + in + 4;
		for (int i = 0; i < 4; i++)
			if (!((type[i] >= 'A' && type[i] <= 'Z') || (type[i] >= 'a' && type[i] <= 'z')))
				return -1;
		if (first && memcmp(type, "IHDR", 4) != 0)
			return -1;
		first = false;
		bool end = memcmp(type, "IEND", 4) == 0;
		bool drop = memcmp(type, "tEXt", 4) == 0 || memcmp(type, "zTXt", 4) == 0 ||
			    memcmp(type, "iTXt", 4) == 0 || memcmp(type, "eXIf", 4) == 0 ||
			    memcmp(type, "tIME", 4) == 0;
		size_t whole = 12 + (size_t)n;
		if (!drop) {
			memmove(d + out, d + in, whole);
			out += whole;
		}
		in += whole;
		if (end)
			return (long)out;
	}
	return -1;
}

long image_strip_metadata(enum image_kind k, unsigned char *data, size_t len)
{
	if (k == IMAGE_JPEG)
		return len >= 4 ? jpeg_strip(data, len) : -1;
	if (k == IMAGE_PNG)
		return len >= 8 ? png_strip(data, len) : -1;
	return -1;
}

/* ---- storage ------------------------------------------------------------------ */

int files_sha_valid(const char *sha)
{
	size_t i = 0;
	for (; sha[i]; i++)
		if (!((sha[i] >= '0' && sha[i] <= '9') || (sha[i] >= 'a' && sha[i] <= 'f')))
			return 0;
	return i == 64;
}

static int file_path(char *out, size_t n, const char *data_dir, const char *sha)
{
	int w = snprintf(out, n, "%s/files/%.2s/%s", data_dir, sha, sha);
	return w > 0 && (size_t)w < n ? 0 : -1;
}

static int fsync_dir(const char *dir)
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	int rc = fsync(fd);
	close(fd);
	return rc;
}

int files_put(const char *data_dir, const void *data, size_t len, char sha_out[65])
{
	char dir[4096], path[4096], tmp[4200];
	sha256_hex(data, len, sha_out);
	if (snprintf(dir, sizeof(dir), "%s/files", data_dir) >= (int)sizeof(dir) ||
	    file_path(path, sizeof(path), data_dir, sha_out) != 0)
		return errno = ENAMETOOLONG, -1;
	if (access(path, F_OK) == 0)
		return 0;		/* the same content is already stored */
	if ((mkdir(data_dir, 0750) != 0 && errno != EEXIST) ||
	    (mkdir(dir, 0750) != 0 && errno != EEXIST))
		return -1;
	size_t dl = strlen(dir);
	snprintf(dir + dl, sizeof(dir) - dl, "/%.2s", sha_out);
	if (mkdir(dir, 0750) != 0 && errno != EEXIST)
		return -1;

	/* A unique temporary name: concurrent uploads of one photo each write
	 * their own and the last rename wins with identical bytes. */
	char rnd[48];
	token_new(rnd);
	snprintf(tmp, sizeof(tmp), "%s.%.16s.tmp", path, rnd);
	int fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0640);
	if (fd < 0)
		return -1;
	const char *p = data;
	size_t left = len;
	while (left > 0) {
		ssize_t w = write(fd, p, left);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			goto fail;
		p += w;
		left -= (size_t)w;
	}
	if (fsync(fd) != 0)
		goto fail;
	close(fd);
	fd = -1;
	if (rename(tmp, path) != 0 || fsync_dir(dir) != 0)
		goto fail;
	return 0;
fail:;
	int e = errno;
	if (fd >= 0)
		close(fd);
	unlink(tmp);
	errno = e;
	return -1;
}

int files_get(const char *data_dir, struct arena *a, const char *sha, char **data, size_t *len)
{
	char path[4096];
	if (!files_sha_valid(sha) || file_path(path, sizeof(path), data_dir, sha) != 0)
		return 1;
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return errno == ENOENT ? 1 : -1;
	struct stat st;
	char *buf = NULL;
	size_t got = 0;
	if (fstat(fd, &st) != 0 || !(buf = arena_alloc(a, (size_t)st.st_size + 1)))
		goto fail;
	while (got < (size_t)st.st_size) {
		ssize_t r = read(fd, buf + got, (size_t)st.st_size - got);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			goto fail;
		got += (size_t)r;
	}
	close(fd);
	buf[got] = '\0';
	*data = buf;
	*len = got;
	return 0;
fail:
	close(fd);
	return -1;
}

int files_remove(const char *data_dir, const char *sha)
{
	char path[4096];
	if (!files_sha_valid(sha) || file_path(path, sizeof(path), data_dir, sha) != 0)
		return -1;
	return unlink(path) == 0 || errno == ENOENT ? 0 : -1;
}
