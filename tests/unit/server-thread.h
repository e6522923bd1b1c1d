/*
 * server-thread.h - a pt_http_server_t on a loop thread of its own, for the
 * unit tests that talk to a real server with a blocking client.
 *
 * server_thread_init makes the loop and the server; the test then listens
 * where it wants (a Unix socket, TCP) and calls server_thread_run, which
 * starts the loop on its thread. server_thread_stop shuts the server down
 * on that loop, joins the thread and frees everything, checking that every
 * handle was closed. Included by one test file each, so its functions are
 * static.
 */
#ifndef PT_TEST_SERVER_THREAD_H
#define PT_TEST_SERVER_THREAD_H

#include <uv.h>

#include "http-server.h"

typedef struct {
    uv_loop_t loop;
    uv_async_t stop;
    uv_thread_t thread;
    pt_http_server_t *srv;
} server_thread_t;

static void server_thread_on_done(pt_http_server_t *srv, void *arg)
{
    server_thread_t *st = arg;
    uv_close((uv_handle_t *)&st->stop, NULL);
}

/* Runs on the loop: the shutdown the test thread asked for. */
static void server_thread_on_stop(uv_async_t *a)
{
    server_thread_t *st = a->data;
    pt_http_server_shutdown(st->srv, server_thread_on_done, st);
}

static void server_thread_main(void *arg)
{
    server_thread_t *st = arg;
    uv_run(&st->loop, UV_RUN_DEFAULT);
}

static void server_thread_init(server_thread_t *st, const pt_http_limits_t *limits,
                               pt_http_handler_cb handler, void *ud)
{
    assert_int_equal(uv_loop_init(&st->loop), 0);
    assert_int_equal(uv_async_init(&st->loop, &st->stop, server_thread_on_stop), 0);
    st->stop.data = st;
    assert_int_equal(pt_http_server_new(&st->loop, limits, handler, ud, &st->srv), 0);
}

static void server_thread_run(server_thread_t *st)
{
    assert_int_equal(uv_thread_create(&st->thread, server_thread_main, st), 0);
}

static void server_thread_stop(server_thread_t *st)
{
    uv_async_send(&st->stop);
    uv_thread_join(&st->thread);
    assert_int_equal(pt_http_server_connections(st->srv), 0);
    pt_http_server_free(st->srv);
    assert_int_equal(uv_loop_close(&st->loop), 0);
}

#endif
