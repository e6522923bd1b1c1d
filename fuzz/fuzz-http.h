/*
 * fuzz-http.h - a real pt_http_server_t and a client on one thread, for the
 * fuzz targets whose input is the bytes a client sends.
 *
 * The server listens on a Unix socket of its own; each exchange connects a
 * non-blocking client, sends the input in pieces of varying size (as reads
 * of a socket would split it), runs the loop between pieces, reads and
 * drops every answer, then closes and runs the loop until the server has
 * closed its side of the connection too. A connection the server never
 * closes after its client has gone is a finding: the exchange aborts.
 *
 * Thread: the fuzzer's; the loop runs only inside these functions.
 */
#ifndef PT_FUZZ_HTTP_H
#define PT_FUZZ_HTTP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <uv.h>

#include "http-server.h"

/* Makes the loop and the server (once per process); srv is then the
 * server's, to set a head check or a body stream on. */
pt_http_server_t *fz_http_start(const pt_http_limits_t *limits, pt_http_handler_cb handler,
                                void *ud);
uv_loop_t *fz_http_loop(void);

/* One connection: sends data[0..len) in pieces chosen by seed, with a
 * half-close (shutdown of the sending side) at the end when half_close,
 * and waits for the server to close its side after the client closes.
 * `busy`, when not NULL, is asked whether the harness still owes the
 * server something (an answer it deferred): the exchange runs the loop
 * until it says no. */
void fz_http_exchange(const uint8_t *data, size_t len, uint32_t seed, bool half_close,
                      bool (*busy)(void));

/* A small deterministic generator, for the harnesses' choices. */
uint32_t fz_rand(uint32_t *state);
uint32_t fz_hash(const uint8_t *data, size_t len);

#endif
