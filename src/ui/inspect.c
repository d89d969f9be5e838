/*
 * inspect: one line for an event ("switch Kids\u2192Checkbook on cpu0"),
 * for the status line after a step with . or ,.
 */
#include <stdio.h>

#include "core/scene.h"
#include "ui/app_internal.h"

static const char *tname(const struct app *a, int id)
{
    const struct model *m = &a->model;
    return id >= 0 && (size_t)id < m->ntasks && m->tasks[id].name ? m->tasks[id].name : "?";
}

void app_describe_event(const struct app *a, const struct event *ev, char *buf, size_t n)
{
    const char *who = tname(a, ev->task);
    char t[32];
    scene_format_units(t, sizeof t, ev->value);
    const char *res = stats_resource(&a->model.st, ev->other);
    const char *text = ev->text ? ev->text : "";
    switch (ev->kind) {
    case EV_RUN: snprintf(buf, n, "%s runs on cpu%d", who, ev->cpu); break;
    case EV_SWITCH:
        snprintf(buf, n, "switch %s\u2192%s on cpu%d", tname(a, ev->other), who, ev->cpu);
        break;
    case EV_YIELD: snprintf(buf, n, "%s yields", who); break;
    case EV_PREEMPT: snprintf(buf, n, "%s is preempted", who); break;
    case EV_BLOCK:
        snprintf(buf, n, "%s blocks (%s%s%s)%s", who, block_reason_name(ev->reason),
                 ev->value >= 0 ? " until " : "", ev->value >= 0 ? t : "",
                 ev->other == 1 ? ", keeping its thread" : "");
        break;
    case EV_WAKE:
        if (ev->other >= 0)
            snprintf(buf, n, "%s wakes (woken by %s)", who, tname(a, ev->other));
        else
            snprintf(buf, n, "%s wakes", who);
        break;
    case EV_ITEM_START: snprintf(buf, n, "%s starts %s", who, *text ? text : "an item"); break;
    case EV_ITEM_END:
        snprintf(buf, n, "%s ends an item%s", who, ev->value2 ? " (failed)" : "");
        break;
    case EV_LOG: snprintf(buf, n, "log: %s", text); break;
    case EV_POLL:
        snprintf(buf, n, "check %s: %s", who, ev->reason ? "done (useful)" : "not yet (wasted)");
        break;
    case EV_LOCK_WAIT:
        snprintf(buf, n, "%s waits for the %s, held by %s", who, res, tname(a, (int)ev->value));
        break;
    case EV_LOCK_ACQUIRE: snprintf(buf, n, "%s takes the %s", who, res); break;
    case EV_LOCK_RELEASE: snprintf(buf, n, "%s releases the %s", who, res); break;
    case EV_DEADLOCK: snprintf(buf, n, "%s", *text ? text : "deadlock"); break;
    case EV_RACE:
        snprintf(buf, n, "%s overwrites the %s: stores %lld where a serial update stores %lld", who,
                 *text ? text : "variable", (long long)ev->value2, (long long)ev->value);
        break;
    case EV_RESULT:
        snprintf(buf, n, "%s: expected %lld, actual %lld", *text ? text : "result",
                 (long long)ev->value, (long long)ev->value2);
        break;
    case EV_HTTP_START: snprintf(buf, n, "%s fetches %s", who, text); break;
    case EV_HTTP_DONE: snprintf(buf, n, "%s: HTTP %lld", who, (long long)ev->value); break;
    case EV_TASK_NEW: snprintf(buf, n, "new task %s", text); break;
    case EV_TASK_DONE: snprintf(buf, n, "%s is done", who); break;
    case EV_RUN_START: snprintf(buf, n, "the run starts (%s)", text); break;
    case EV_RUN_END: snprintf(buf, n, "the run ends%s", ev->reason ? " (failed)" : ""); break;
    default: snprintf(buf, n, "%s", event_kind_name(ev->kind)); break;
    }
}

/* After a step: the event just crossed, in the status line. */
void app_status_step(struct app *a)
{
    if (!a->fed) {
        app_status(a, "event 0/%zu: the start", a->nev);
        return;
    }
    const struct event *ev = &a->ev[a->fed - 1];
    char what[200], t[32];
    app_describe_event(a, ev, what, sizeof what);
    scene_format_units(t, sizeof t, ev->t);
    app_status(a, "event %zu/%zu t %s: %s", a->fed, a->nev, t, what);
}
