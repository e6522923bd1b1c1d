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
 * server's, to set a head check or a body stream on, or another listener.
 * The loop is made by whichever comes first of this and fz_http_loop. */
pt_http_server_t *fz_http_start(const pt_http_limits_t *limits, pt_http_handler_cb handler,
                                void *ud);
uv_loop_t *fz_http_loop(void);
/* A non-blocking client connected to the server's Unix socket (tcp_port
 * 0) or to 127.0.0.1:tcp_port. Aborts when it cannot connect. */
int fz_http_connect(int tcp_port);

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
/* How many of the `left` bytes to send next: mostly small pieces,
 * sometimes large ones, now and then the rest, as reads would split them. */
size_t fz_piece(uint32_t *seed, size_t left);

/* ---- Answers, read back as a client reads them ----------------------
 * A reader takes the bytes of a connection as they come and calls cb for
 * each complete answer (1xx interim answers too). */
typedef struct {
    int status;
    char type[64]; /* Content-Type, cut to fit; "" when none */
    bool json;     /* application/json... */
    bool chunked;
    const char *body; /* NUL-terminated; body_len bytes (none for HEAD) */
    size_t body_len;
} fz_answer_t;
typedef void (*fz_answer_cb)(const fz_answer_t *a, void *ud);
typedef struct fz_reader_s fz_reader_t;

/* head: the answers are to HEAD requests (no bodies, whatever their heads
 * say). */
fz_reader_t *fz_reader_new(bool head, fz_answer_cb cb, void *ud);
/* Reads the next bytes; false (said on stderr) when they are not HTTP. */
bool fz_reader_feed(fz_reader_t *r, const char *data, size_t len);
/* The final (not 1xx) answers read whole so far. */
unsigned fz_reader_answers(const fz_reader_t *r);
/* The answer being read, once its head is in; NULL between answers. */
const fz_answer_t *fz_reader_head(const fz_reader_t *r);
void fz_reader_free(fz_reader_t *r);
/* Aborts, saying why, unless the answer's body is one strict JSON text. */
void fz_check_json_body(const fz_answer_t *a);

#endif
