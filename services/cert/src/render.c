/* render.c - runs mlps-cert-render for one print (crt/render.h): the
 * payload on its stdin, the PDF from its stdout, its reason from stderr,
 * read together (poll) so that neither pipe can fill and stall it. */
#define _GNU_SOURCE
#include "crt/render.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

#define S_PDF_MAX (16u << 20)
#define S_ERR_MAX 512

static void
s_why(char *why, size_t whylen, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(why, whylen, fmt, ap);
    va_end(ap);
}

int
crt_render_path(const char *path, char *out, size_t cap, char *why,
                size_t whylen)
{
    if (path != NULL && path[0] != '\0') {
        snprintf(out, cap, "%s", path);
    } else {
        char self[PATH_MAX];
        ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
        if (n <= 0) {
            s_why(why, whylen, "cert.renderer: cannot find this binary: %s",
                  strerror(errno));
            return CMN_ECONFIG;
        }
        self[n] = '\0';
        char *slash = strrchr(self, '/');
        if (slash != NULL)
            *slash = '\0';
        snprintf(out, cap, "%s/mlps-cert-render", self);
    }
    struct stat st;
    if (stat(out, &st) != 0 || !S_ISREG(st.st_mode) || access(out, X_OK) != 0) {
        s_why(why, whylen,
              "cert.renderer: '%s' is not an executable file (certificates "
              "are printed by mlps-cert-render)",
              out);
        return CMN_ECONFIG;
    }
    return 0;
}

static long long
s_now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long) ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Appends what fd has to *buf (cap bytes at most); false at EOF or on
 * an error (errno 0 at EOF), or when more than cap came (errno EFBIG). */
static bool
s_drain(int fd, uint8_t **buf, size_t *len, size_t *size, size_t cap)
{
    if (*len == *size) {
        size_t nsize = *size ? *size * 2 : 65536;
        uint8_t *nb = realloc(*buf, nsize);
        if (nb == NULL) {
            errno = ENOMEM;
            return false;
        }
        *buf = nb;
        *size = nsize;
    }
    ssize_t n = read(fd, *buf + *len, *size - *len);
    if (n < 0 && (errno == EINTR || errno == EAGAIN))
        return true;
    if (n <= 0) {
        if (n == 0)
            errno = 0;
        return false;
    }
    *len += (size_t) n;
    if (*len > cap) {
        errno = EFBIG;
        return false;
    }
    return true;
}

/* Reads the child's stdout and stderr until both close or the deadline;
 * 0, or the errno that stopped it (ETIMEDOUT, EFBIG, ENOMEM, ...). */
static int
s_collect(int out_fd, int err_fd, int timeout_ms, uint8_t **pdf, size_t *len,
          char *err_text, size_t err_cap)
{
    size_t size = 0, elen = 0, esize = 0;
    uint8_t *ebuf = NULL;
    long long deadline = s_now_ms() + timeout_ms;
    int fds[2] = {out_fd, err_fd}, rc = 0;
    while (fds[0] >= 0 || fds[1] >= 0) {
        long long left = deadline - s_now_ms();
        if (left <= 0) {
            rc = ETIMEDOUT;
            break;
        }
        struct pollfd p[2] = {{fds[0], POLLIN, 0}, {fds[1], POLLIN, 0}};
        int n = poll(p, 2, (int) left);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            rc = errno;
            break;
        }
        for (int i = 0; i < 2; i++) {
            if (fds[i] < 0 || p[i].revents == 0)
                continue;
            bool more = i == 0
                            ? s_drain(fds[0], pdf, len, &size, S_PDF_MAX)
                            : s_drain(fds[1], &ebuf, &elen, &esize, S_ERR_MAX);
            if (!more && errno != 0 && !(i == 1 && errno == EFBIG)) {
                rc = errno;
                break;
            }
            if (!more)
                fds[i] = -1;
        }
        if (rc != 0)
            break;
    }
    size_t keep = elen < err_cap - 1 ? elen : err_cap - 1;
    if (ebuf != NULL)
        memcpy(err_text, ebuf, keep);
    err_text[keep] = '\0';
    while (keep > 0 &&
           (err_text[keep - 1] == '\n' || err_text[keep - 1] == '\r'))
        err_text[--keep] = '\0';
    free(ebuf);
    return rc;
}

int
crt_render(const char *renderer, const char *payload, const char *organ_name,
           int timeout_ms, uint8_t **pdf, size_t *len, char *why, size_t whylen)
{
    int in[2] = {-1, -1}, out[2] = {-1, -1}, errp[2] = {-1, -1};
    int err = CMN_EIO, rc;
    pid_t pid = -1;
    char err_text[S_ERR_MAX + 1] = "";
    *pdf = NULL;
    *len = 0;
    if (pipe2(in, O_CLOEXEC) != 0 || pipe2(out, O_CLOEXEC) != 0 ||
        pipe2(errp, O_CLOEXEC) != 0) {
        s_why(why, whylen, "renderer: pipe: %s", strerror(errno));
        goto out;
    }
    posix_spawn_file_actions_t fa;
    if (posix_spawn_file_actions_init(&fa) != 0) {
        s_why(why, whylen, "renderer: out of memory");
        err = CMN_ENOMEM;
        goto out;
    }
    rc = posix_spawn_file_actions_adddup2(&fa, in[0], 0);
    if (rc == 0)
        rc = posix_spawn_file_actions_adddup2(&fa, out[1], 1);
    if (rc == 0)
        rc = posix_spawn_file_actions_adddup2(&fa, errp[1], 2);
    char *argv[3] = {(char *) "mlps-cert-render", (char *) organ_name, NULL};
    if (rc == 0)
        rc = posix_spawn(&pid, renderer, &fa, NULL, argv, environ);
    posix_spawn_file_actions_destroy(&fa);
    if (rc != 0) {
        pid = -1;
        s_why(why, whylen, "renderer '%s' could not be started: %s", renderer,
              strerror(rc));
        goto out;
    }
    close(in[0]);
    close(out[1]);
    close(errp[1]);
    in[0] = out[1] = errp[1] = -1;
    /* The payload is a few hundred bytes: the pipe takes it whole. A
     * renderer that died at once makes the write fail (EPIPE is not a
     * signal here: the service ignores SIGPIPE, as libzmq wants). */
    size_t plen = strlen(payload);
    ssize_t w = write(in[1], payload, plen);
    close(in[1]);
    in[1] = -1;
    rc = s_collect(out[0], errp[0], timeout_ms, pdf, len, err_text,
                   sizeof err_text);
    if (rc != 0) {
        kill(pid, SIGKILL);
        s_why(why, whylen, "renderer: %s",
              rc == ETIMEDOUT ? "took too long: killed"
              : rc == EFBIG   ? "wrote more than 16 MiB: killed"
                              : strerror(rc));
        err = rc == ENOMEM ? CMN_ENOMEM : CMN_EIO;
    }
    int status = 0;
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
        ;
    if (rc != 0)
        goto out;
    if (WIFEXITED(status) && WEXITSTATUS(status) == 0 && *len > 0 &&
        w == (ssize_t) plen) {
        err = 0;
        goto out;
    }
    if (WIFEXITED(status) && WEXITSTATUS(status) == 1 && err_text[0]) {
        s_why(why, whylen, "%s", err_text);
        err = CMN_EINVAL;
    } else if (WIFSIGNALED(status)) {
        s_why(why, whylen, "renderer killed by signal %d%s%s", WTERMSIG(status),
              err_text[0] ? ": " : "", err_text);
    } else {
        s_why(why, whylen, "renderer failed (status %d)%s%s",
              WIFEXITED(status) ? WEXITSTATUS(status) : -1,
              err_text[0] ? ": " : "", err_text);
    }
out:
    if (err != 0) {
        free(*pdf);
        *pdf = NULL;
        *len = 0;
    }
    for (int i = 0; i < 2; i++) {
        if (in[i] >= 0)
            close(in[i]);
        if (out[i] >= 0)
            close(out[i]);
        if (errp[i] >= 0)
            close(errp[i]);
    }
    return err;
}
