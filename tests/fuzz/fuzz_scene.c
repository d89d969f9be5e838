/*
 * Fuzz target: the scene parser. The input is a scene file's text; it is
 * parsed as `juggle run FILE` parses it (scene_parse after the NUL check
 * of scene_load). A scene either parses into something the engine can run
 * (a known kind and strategy, workers for a queue) or fails with an error that
 * names the file; anything else, like a crash or a sanitizer report, is a
 * bug. Built with libFuzzer by `make fuzz`, and run over the corpus by
 * tests/fuzz/test_corpus.c in `make test`.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/scene.h"
#include "core/strategy.h"
#include "core/xalloc.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (memchr(data, '\0', size)) return 0; /* scene_load refuses these before parsing */
    char *text = xmalloc(size + 1);
    if (size) memcpy(text, data, size);
    text[size] = '\0';
    struct err e;
    memset(&e, 0, sizeof e);
    struct scene *sc = scene_parse("fuzz.ini", text, &e);
    if (sc) {
        /* Only a queue must name its workers; other kinds have defaults. */
        if ((sc->kind == SCENE_QUEUE && sc->nworkers < 1) || sc->kind < 0 ||
            sc->kind >= SCENE__COUNT || sc->strategy < 0 || sc->strategy >= STRATEGY_COUNT ||
            !sc->text || !sc->title)
            abort();
        for (size_t i = 0; i < sc->nworkers; i++)
            if (!sc->workers[i]) abort();
        /* A scene the loader takes keeps to the limits (scene_limits.c). */
        if (sc->bound_length <= 0 || (double)sc->bound_length > SCENE_MAX_LENGTH * 1e9 ||
            (double)sc->bound_events > SCENE_MAX_EVENTS)
            abort();
        scene_free(sc);
    } else if (e.code >= 0 || !e.msg[0] || strcmp(e.file, "fuzz.ini") != 0 || e.line < 0) {
        abort();
    }
    free(text);
    return 0;
}
