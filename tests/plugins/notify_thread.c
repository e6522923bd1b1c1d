/*
 * notify_thread.c - a fixture notifier whose create() starts a thread of
 * its own (as a plugin with a connection pool or a timer of its own does),
 * named "plugin-thread", which waits until destroy() ends it. deliver()
 * accepts every event.
 *
 * The tests check that such a thread, made on ptrackd's loop thread at the
 * start or at run time, blocks the signals ptrackd handles.
 */
#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <ptrack/plugin.h>

typedef struct {
    pthread_t thread;
    pthread_mutex_t mu;
    pthread_cond_t cond;
    bool stop;
} thread_state_t;

static void *waiter(void *arg)
{
    thread_state_t *t = arg;
    pthread_mutex_lock(&t->mu);
    while (!t->stop)
        pthread_cond_wait(&t->cond, &t->mu);
    pthread_mutex_unlock(&t->mu);
    return NULL;
}

static int thread_create(const ptrack_host_t *host, ptrack_instance_t *inst, void **state)
{
    (void)host;
    (void)inst;
    thread_state_t *t = calloc(1, sizeof(*t));
    if (!t)
        return PTRACK_ENOMEM;
    pthread_mutex_init(&t->mu, NULL);
    pthread_cond_init(&t->cond, NULL);
    if (pthread_create(&t->thread, NULL, waiter, t) != 0) {
        pthread_mutex_destroy(&t->mu);
        pthread_cond_destroy(&t->cond);
        free(t);
        return PTRACK_ERROR;
    }
    pthread_setname_np(t->thread, "plugin-thread");
    *state = t;
    return PTRACK_OK;
}

static void thread_destroy(void *state)
{
    thread_state_t *t = state;
    pthread_mutex_lock(&t->mu);
    t->stop = true;
    pthread_cond_signal(&t->cond);
    pthread_mutex_unlock(&t->mu);
    pthread_join(t->thread, NULL);
    pthread_mutex_destroy(&t->mu);
    pthread_cond_destroy(&t->cond);
    free(t);
}

static int thread_deliver(void *state, const ptrack_event_t *ev)
{
    (void)state;
    (void)ev;
    return PTRACK_OK;
}

static const ptrack_notifier_ops_t thread_ops = {
    .struct_size = sizeof(ptrack_notifier_ops_t),
    .deliver = thread_deliver,
};

static const ptrack_plugin_t thread_plugin = {
    .struct_size = sizeof(ptrack_plugin_t),
    .abi_major = PTRACK_ABI_MAJOR,
    .abi_minor = PTRACK_ABI_MINOR,
    .name = "notify_thread",
    .version = "1.0",
    .description = "test fixture: create() starts a thread of the plugin's own",
    .kinds = PTRACK_KIND_NOTIFIER,
    .create = thread_create,
    .destroy = thread_destroy,
    .notifier = &thread_ops,
};

PTRACK_PLUGIN_EXPORT const ptrack_plugin_t *PTRACK_PLUGIN_ENTRY(void)
{
    return &thread_plugin;
}
