/*
 * The fuzz corpora as a regression test (`make test`, no libFuzzer): every
 * file in tests/fuzz/corpus/<target>/ goes through the fuzz target's own
 * entry point (which aborts on anything wrong), so an input that ever broke
 * a fuzzer stays fixed. Scene and trace inputs also go through the command
 * line: where the loader rejects a file, `juggle run FILE --headless` and
 * `juggle replay FILE --headless` must exit 2 with exactly the loader's
 * "juggle: FILE:LINE: message" line on stderr; where it accepts one, they
 * must exit 0 or 1 without dying of a signal.
 *
 * The corpus is found at $JUGGLE_FUZZ_CORPUS, else tests/fuzz/corpus from
 * the working directory (make runs the tests from the checkout); juggle is
 * the binary of the same build (BUILD/juggle, beside BUILD/tests/).
 * Prints one line per failure and a final "N passed, N failed" line.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "core/err.h"
#include "core/scene.h"
#include "core/trace.h"
#include "core/xalloc.h"

/* Each target's LLVMFuzzerTestOneInput, under its own name. */
#define LLVMFuzzerTestOneInput fuzz_scene_one
#include "fuzz/fuzz_scene.c"
#undef LLVMFuzzerTestOneInput
#define LLVMFuzzerTestOneInput fuzz_trace_one
#include "fuzz/fuzz_trace.c"
#undef LLVMFuzzerTestOneInput
#define LLVMFuzzerTestOneInput fuzz_server_one
#include "fuzz/fuzz_server.c"
#undef LLVMFuzzerTestOneInput

static int passed, failed;
static char juggle[4096];

static int by_name(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The regular files in dir, sorted; *n is set. Caller frees. */
static char **list_dir(const char *dir, size_t *n)
{
    char **names = NULL;
    *n = 0;
    DIR *d = opendir(dir);
    if (!d) return NULL;
    struct dirent *de;
    while ((de = readdir(d))) {
        if (de->d_name[0] == '.') continue;
        names = xrealloc(names, (*n + 1) * sizeof *names);
        names[(*n)++] = xasprintf("%s/%s", dir, de->d_name);
    }
    closedir(d);
    qsort(names, *n, sizeof *names, by_name);
    return names;
}

static uint8_t *read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    size_t cap = 4096;
    uint8_t *buf = xmalloc(cap);
    *len = 0;
    size_t got;
    while ((got = fread(buf + *len, 1, cap - *len, f)) > 0)
        if ((*len += got) == cap) buf = xrealloc(buf, cap *= 2);
    fclose(f);
    return buf;
}

/*
 * Runs juggle with args (stdin and stdout /dev/null, at most 60 s), puts
 * its stderr in err (NUL-terminated, truncated to n). Returns the exit
 * status, or -signal if it died of one.
 */
static int run_juggle(char *const args[], char *err, size_t n)
{
    char tmpl[] = "/tmp/juggle-corpus-XXXXXX";
    int efd = mkstemp(tmpl);
    if (efd < 0) return -1000;
    unlink(tmpl);
    fflush(NULL);
    pid_t pid = fork();
    if (pid == 0) {
        int nul = open("/dev/null", O_RDWR);
        dup2(nul, 0);
        dup2(nul, 1);
        dup2(efd, 2);
        alarm(60); /* survives exec: a hang dies of SIGALRM */
        execv(juggle, args);
        _exit(127);
    }
    int st = 0;
    while (waitpid(pid, &st, 0) < 0 && errno == EINTR) {
    }
    ssize_t got = pread(efd, err, n - 1, 0);
    err[got > 0 ? got : 0] = '\0';
    close(efd);
    return WIFSIGNALED(st) ? -WTERMSIG(st) : WEXITSTATUS(st);
}

/* The line err_print writes for e. */
static void expected_line(const struct err *e, char *buf, size_t n)
{
    if (e->file[0] && e->line > 0)
        snprintf(buf, n, "juggle: %s:%d: %s\n", e->file, e->line, e->msg);
    else if (e->file[0])
        snprintf(buf, n, "juggle: %s: %s\n", e->file, e->msg);
    else
        snprintf(buf, n, "juggle: %s\n", e->msg);
}

static void check_cli(const char *path, int loaded, const struct err *e, char *const args[])
{
    char err[8192], want[1024];
    int rc = run_juggle(args, err, sizeof err);
    if (!loaded) {
        expected_line(e, want, sizeof want);
        if (rc == 2 && strcmp(err, want) == 0) {
            passed++;
            return;
        }
        printf("FAIL %s: juggle %s exited %d, want 2 with\n  %s  got:\n  %s", path, args[1], rc,
               want, err);
    } else {
        if (rc == 0 || rc == 1) {
            passed++;
            return;
        }
        printf("FAIL %s: juggle %s exited %d on a file that loads; stderr:\n  %s", path, args[1],
               rc, err);
    }
    failed++;
}

typedef int (*entry_fn)(const uint8_t *, size_t);

static void run_target(const char *root, const char *target, entry_fn entry)
{
    char *dir = xasprintf("%s/%s", root, target);
    size_t n;
    char **files = list_dir(dir, &n);
    if (!n) {
        printf("FAIL %s: no corpus files\n", dir);
        failed++;
    }
    for (size_t i = 0; i < n; i++) {
        size_t len;
        uint8_t *data = read_file(files[i], &len);
        if (!data) {
            printf("FAIL %s: cannot read\n", files[i]);
            failed++;
            free(files[i]);
            continue;
        }
        /* Named first: a crash in the entry point ends the log here. */
        fprintf(stderr, "%s\n", files[i]);
        entry(data, len);
        passed++;
        free(data);

        struct err e;
        memset(&e, 0, sizeof e);
        if (strcmp(target, "scene") == 0) {
            struct scene *sc = scene_load(files[i], &e);
            char *args[] = {"juggle", "run", files[i], "--headless", NULL};
            check_cli(files[i], sc != NULL, &e, args);
            scene_free(sc);
        } else if (strcmp(target, "trace") == 0) {
            struct trace *t = trace_load(files[i], &e);
            char *args[] = {"juggle", "replay", files[i], "--headless", NULL};
            check_cli(files[i], t != NULL, &e, args);
            trace_free(t);
        }
        free(files[i]);
    }
    free(files);
    free(dir);
}

int main(void)
{
    const char *root = getenv("JUGGLE_FUZZ_CORPUS");
    if (!root || !*root) root = "tests/fuzz/corpus";
    ssize_t len = readlink("/proc/self/exe", juggle, sizeof juggle - 32);
    if (len <= 0) return 2;
    juggle[len] = '\0';
    /* BUILD/tests/fuzz/test_corpus -> BUILD/juggle */
    for (int up = 0; up < 3; up++)
        *strrchr(juggle, '/') = '\0';
    strcat(juggle, "/juggle");
    if (access(juggle, X_OK) != 0) {
        printf("FAIL no juggle binary at %s\n", juggle);
        return 1;
    }
    run_target(root, "scene", fuzz_scene_one);
    run_target(root, "trace", fuzz_trace_one);
    run_target(root, "server", fuzz_server_one);
    printf("%d passed, %d failed\n", passed, failed);
    return failed ? 1 : 0;
}
