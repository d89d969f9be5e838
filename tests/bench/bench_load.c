/*
 * Scene loading alone (issue 13): `bench_load FILE` loads FILE three times
 * in this process and prints the median time, with the workers and items
 * it holds. tests/bench/bench_scene.sh writes the file and calls it; run
 * without a file (as `make bench` runs every bench_* program) it does
 * nothing.
 */
#include <stdio.h>
#include <stdlib.h>

#include "bench_util.h"

static int by_value(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

int main(int argc, char **argv)
{
    if (argc < 2) return 0;
    double t[3];
    size_t workers = 0, items = 0;
    for (int i = 0; i < 3; i++) {
        struct err e;
        double t0 = now_s();
        struct scene *sc = scene_load(argv[1], &e);
        t[i] = now_s() - t0;
        if (!sc) {
            err_print(&e);
            return 1;
        }
        workers = sc->nworkers;
        items = sc->nitems;
        scene_free(sc);
    }
    qsort(t, 3, sizeof *t, by_value);
    printf("scene    load %zu workers + %zu items listed        %7.3f s  (target <= 0.3)\n",
           workers, items, t[1]);
    return 0;
}
