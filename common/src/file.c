/* file.c - whole files in and out (see file.h). */
#include "cmn/file.h"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int
cmn_file_read(const char *path, size_t max, char **out, size_t *len, char *why,
              size_t whylen)
{
    FILE *f = fopen(path, "rb");
    *out = NULL;
    *len = 0;
    if (f == NULL) {
        snprintf(why, whylen, "could not open \"%s\": %s", path,
                 strerror(errno));
        return errno == ENOENT ? CMN_ENOENT : CMN_EIO;
    }
    char *buf = malloc(max + 2);
    size_t n = buf ? fread(buf, 1, max + 1, f) : 0;
    int rc = 0;
    if (buf == NULL) {
        snprintf(why, whylen, "out of memory reading \"%s\"", path);
        rc = CMN_ENOMEM;
    } else if (ferror(f)) {
        snprintf(why, whylen, "could not read \"%s\"", path);
        rc = CMN_EIO;
    } else if (n > max) {
        snprintf(why, whylen, "\"%s\" is larger than %zu bytes", path, max);
        rc = CMN_EMSGSIZE;
    }
    fclose(f);
    if (rc != 0) {
        free(buf);
        return rc;
    }
    buf[n] = '\0';
    *out = buf;
    *len = n;
    return 0;
}

static int
s_sync_dir(const char *path)
{
    char copy[4096];
    snprintf(copy, sizeof copy, "%s", path);
    int fd = open(dirname(copy), O_RDONLY | O_DIRECTORY);
    if (fd < 0)
        return -1;
    int rc = fsync(fd);
    close(fd);
    return rc;
}

int
cmn_file_write_atomic(const char *path, const void *data, size_t len, int mode,
                      char *why, size_t whylen)
{
    char tmp[4096];
    snprintf(tmp, sizeof tmp, "%s.tmp.%ld", path, (long) getpid());
    int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC, mode);
    if (fd < 0) {
        snprintf(why, whylen, "could not create \"%s\": %s", tmp,
                 strerror(errno));
        return CMN_EIO;
    }
    const char *p = data;
    size_t left = len;
    while (left > 0) {
        ssize_t w = write(fd, p, left);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            break;
        p += w;
        left -= (size_t) w;
    }
    int bad = left > 0 || fsync(fd) != 0;
    bad |= close(fd) != 0;
    if (bad || rename(tmp, path) != 0 || s_sync_dir(path) != 0) {
        snprintf(why, whylen, "could not write \"%s\": %s", path,
                 strerror(errno));
        unlink(tmp);
        return CMN_EIO;
    }
    return 0;
}
