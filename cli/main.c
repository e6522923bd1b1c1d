/*
 * main.c - the ptrack command: global options and dispatch to a command.
 *
 * Global options may stand before or after the command name ("ptrack --json
 * list" and "ptrack list --json" mean the same), so main only looks for the
 * command name here and lets each command parse the global options together
 * with its own: that way an option's value is never mistaken for a command.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <curl/curl.h>

#include "args.h"
#include "buf.h"
#include "cli.h"
#include "width.h"

#ifndef PT_VERSION
#define PT_VERSION "0.1.0"
#endif

#define DEFAULT_SOCKET "var/ptrack.sock"

static const pt_opt_t global_opts[] = {
    {"socket", PT_OPT_VALUE, "PATH",
     "ptrackd's Unix socket (default: $PTRACK_SOCKET or " DEFAULT_SOCKET ")"},
    {"url", PT_OPT_VALUE, "URL", "talk to ptrackd over TCP instead (default: $PTRACK_URL)"},
    {"token", PT_OPT_VALUE, "TOKEN", "bearer token for --url (default: $PTRACK_TOKEN)"},
    {"json", PT_OPT_FLAG, NULL, "print ptrackd's JSON as it is (pretty-printed), for scripts"},
    {"help", PT_OPT_FLAG, NULL, "show help (also -h)"},
    {"version", PT_OPT_FLAG, NULL, "show ptrack's version"},
    {0},
};

static const pt_command_t *const commands[] = {
    &pt_cmd_add,      &pt_cmd_list,   &pt_cmd_show,   &pt_cmd_history,
    &pt_cmd_do,       &pt_cmd_edit,   &pt_cmd_delete, &pt_cmd_stats,
    &pt_cmd_workflow, &pt_cmd_watch,  &pt_cmd_health, &pt_cmd_plugins,
    &pt_cmd_import,   &pt_cmd_export, &pt_cmd_token,  NULL,
};

/* Help text, as pt_help_text reads it: a tab ends an entry's lead, and
 * a line of blanks and a tab goes on with its text. */
static const char exit_codes_help[] =
    "Exit codes:\n"
    "  0  \tdone\n"
    "  1  \tptrackd refused the request (4xx); the message says why\n"
    "  2  \tusage error: a bad command line or input file\n"
    "  3  \tcannot connect to ptrackd, or the connection failed\n"
    "  4  \tptrackd failed (5xx), what answered is not ptrackd (no JSON), or ptrack itself\n"
    "     \tdid (out of memory, output not writable)\n"
    "  5  \timport --partial stored the good records but left rejected ones out\n"
    "  130, 143, 129  \timport or export stopped by Ctrl-C, SIGTERM or SIGHUP; the message\n"
    "     \tsays what the stop left behind\n";

static void print_main_help(FILE *out)
{
    pt_buf_t b = {0};
    pt_buf_puts(&b,
                "ptrack - the client of ptrackd, which tracks delegate proposals (建议/议案/提案)\n"
                "\n"
                "Usage: ptrack [global options] COMMAND [arguments] [options]\n"
                "\n"
                "Commands:\n");
    for (size_t i = 0; commands[i]; i++)
        pt_buf_printf(&b, "  %-10s \t%s\n", commands[i]->name, commands[i]->summary);
    pt_help_text(pt_buf_str(&b), out);
    pt_help_text("\nGlobal options (before or after the command):\n", out);
    pt_args_help(global_opts, out);
    pt_help_text("\n"
                 "ptrack talks to ptrackd over its Unix socket unless --url or PTRACK_URL names a\n"
                 "TCP address (http://127.0.0.1:8470); --socket and --url given together are an\n"
                 "error, and PTRACK_URL wins over PTRACK_SOCKET.\n"
                 "\n",
                 out);
    pt_help_text(exit_codes_help, out);
    pt_help_text(
        "\nRun 'ptrack COMMAND --help' for a command's options; the manual is docs/cli.md.\n", out);
    pt_buf_free(&b);
}

static void print_command_help(const pt_command_t *c, FILE *out)
{
    pt_buf_t b = {0};
    pt_buf_printf(&b, "Usage: ptrack %s%s%s [options]\n\n%s\n", c->name, c->args ? " " : "",
                  c->args ? c->args : "", c->summary);
    if (c->description)
        pt_buf_printf(&b, "\n%s", c->description);
    pt_help_text(pt_buf_str(&b), out);
    if (c->opts && c->opts[0].name) {
        fputs("\nOptions:\n", out);
        pt_args_help(c->opts, out);
    }
    fputs("\nGlobal options:\n", out);
    pt_args_help(global_opts, out);
    fputs("\n", out);
    pt_help_text(exit_codes_help, out);
}

static const pt_command_t *find_command(const char *name)
{
    for (size_t i = 0; commands[i]; i++)
        if (strcmp(commands[i]->name, name) == 0)
            return commands[i];
    return NULL;
}

/* Finds the index of the command name in argv, skipping global options and
 * their values. Returns argc when there is none, or -1 after a message when
 * an option before it is not a global one. */
static int find_command_index(int argc, char **argv, bool *help, bool *version)
{
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (strcmp(a, "--") == 0)
            return i + 1 < argc ? i + 1 : argc;
        if (a[0] != '-' || a[1] == '\0')
            return i;
        if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
            *help = true;
            continue;
        }
        if (strcmp(a, "--version") == 0) {
            *version = true;
            continue;
        }
        const pt_opt_t *o = NULL;
        const char *name = a + 2;
        size_t n = strcspn(name, "=");
        for (const pt_opt_t *g = global_opts; a[1] == '-' && g->name; g++)
            if (strlen(g->name) == n && strncmp(g->name, name, n) == 0)
                o = g;
        if (!o) {
            char *shown = pt_utf8_shown(a);
            pt_text_sayf("ptrack: unknown option %s before the command (see ptrack --help)", shown);
            free(shown);
            return -1;
        }
        /* The last word on the line, it has no value: said so, as after
         * the command, rather than the whole help with no word of why. */
        if (o->kind != PT_OPT_FLAG && name[n] != '=' && i + 1 >= argc) {
            pt_text_sayf("ptrack: option --%s needs a value (%s)", o->name, o->metavar);
            return -1;
        }
        if (o->kind != PT_OPT_FLAG && name[n] != '=')
            i++; /* its value */
    }
    return argc;
}

/* Decides where to connect: flags first, then the environment, then the
 * demo daemon's socket in the current directory. */
static int choose_endpoint(pt_cli_t *cli, const pt_args_t *args)
{
    const char *sock = pt_args_value(args, "socket");
    const char *url = pt_args_value(args, "url");
    const char *token = pt_args_value(args, "token");
    if (sock && url)
        return pt_cli_usage(cli, "--socket and --url are two ways to reach ptrackd; give one");
    if (!sock && !url) {
        const char *env_url = getenv("PTRACK_URL");
        const char *env_sock = getenv("PTRACK_SOCKET");
        if (env_url && *env_url)
            url = env_url;
        else if (env_sock && *env_sock)
            sock = env_sock;
        else
            sock = DEFAULT_SOCKET;
    }
    if (url && strncmp(url, "http://", 7) != 0 && strncmp(url, "https://", 8) != 0)
        return pt_cli_usage(cli,
                            "--url needs an http:// address such as http://127.0.0.1:8470, "
                            "not \"%s\"",
                            url);
    /* An address without its host (http://, http://:8470) would have the
     * API's /v1 taken for one: "Could not resolve host: v1", exit 3, as
     * if ptrackd were away, where the line itself is wrong. (strchr finds
     * the string's end too: "http://" alone.) */
    if (url && strchr("/:?#", strstr(url, "://")[3]))
        return pt_cli_usage(cli,
                            "--url (or PTRACK_URL) names no host: give ptrackd's address "
                            "such as http://127.0.0.1:8470, not \"%s\"",
                            url);
    /* --socket= (an empty $VAR expanded there) names no path: libcurl
     * would try "" and say "Connection refused", exit 3, as for a daemon
     * that is not running. PTRACK_SOCKET empty counts as unset above. */
    if (sock && !*sock)
        return pt_cli_usage(cli,
                            "--socket needs the path of ptrackd's socket, such as "
                            "%s; it was given empty",
                            DEFAULT_SOCKET);
    /* A query or a fragment would be sent before the API's path
     * (http://HOST:PORT?x/v1/...), and ptrackd answer 404 "nothing at /"
     * as if the request were wrong, not the address. */
    const char *extra = url ? strpbrk(strstr(url, "://") + 3, "?#") : NULL;
    if (extra)
        return pt_cli_usage(cli,
                            "--url (or PTRACK_URL) is ptrackd's address without a %s (%s): "
                            "give %.*s, not \"%s\"",
                            *extra == '?' ? "query" : "fragment", extra, (int)(extra - url), url,
                            url);
    /* The API's base as api.md writes it, copied whole: ptrack puts /v1
     * before every path itself, and /v1/v1/... is found nowhere. Only the
     * path is looked at: http://v1 names a host. */
    const char *path = url ? strchr(strstr(url, "://") + 3, '/') : NULL;
    if (path) {
        size_t n = strlen(url);
        while (n > 0 && url[n - 1] == '/')
            n--;
        if (url + n - 3 >= path && strncmp(url + n - 3, "/v1", 3) == 0)
            return pt_cli_usage(
                cli,
                "--url (or PTRACK_URL) is ptrackd's address without the API's /v1, which "
                "ptrack adds itself: %.*s, not \"%s\"",
                (int)(n - 3), url, url);
        /* ptrackd serves its API at the root and nowhere else. */
        if (url + n > path)
            return pt_cli_usage(cli,
                                "--url (or PTRACK_URL) is ptrackd's address without a path "
                                "(%.*s): give %.*s, not \"%s\"",
                                (int)(url + n - path), path, (int)(path - url), url, url);
    }
    /* Over the socket ptrackd knows the caller by its user id and no token
     * is sent: a --token typed there would be dropped without a word, and
     * a unit's liaison on the office's machine would act as that user
     * (a clerk, say), not as the unit. PTRACK_TOKEN, which a profile may
     * set for every use, is only left unused. */
    if (token && !url)
        return pt_cli_usage(cli,
                            "--token is sent only over TCP: give ptrackd's address with --url "
                            "(or PTRACK_URL), such as http://127.0.0.1:8470; over the socket "
                            "%s ptrackd knows you by your user id, not by a token",
                            sock);
    if (!token) {
        const char *env_token = getenv("PTRACK_TOKEN");
        if (env_token && *env_token)
            token = env_token;
    }
    cli->socket = sock;
    cli->url = url;
    cli->token = token;
    return PT_EXIT_OK;
}

/* Whatever was printed must reach its reader before the exit code says it
 * is done; a full disk or a closed pipe is worth a line and exit 4. A write
 * that failed earlier counts too: stdio writes a large block straight
 * through, and the final flush of what is left then succeeds (ptrack list
 * --json > /dev/full), so only the error flag tells. When ptrackd has
 * already made the change the command asked for (ptrack add > /dev/full),
 * the line says so: exit 4 alone would have the person run it again and
 * add the proposal twice. */
static int flush_output(const pt_cli_t *cli, int rc)
{
    bool flush_failed = fflush(stdout) != 0;
    int err = errno;
    /* import --partial's exit 5 is kept, but its list of the records left
     * out is what the person needs: its loss is said too. */
    if ((flush_failed || ferror(stdout)) && (rc == PT_EXIT_OK || rc == PT_EXIT_PARTIAL)) {
        fprintf(stderr, "ptrack: writing the output: %s%s\n",
                flush_failed ? strerror(err) : "a write failed, so the output is not whole",
                cli && pt_client_changed(cli->client)
                    ? "; ptrackd has made the change all the same (look before running the "
                      "command again)"
                    : "");
        if (rc == PT_EXIT_OK)
            rc = PT_EXIT_SERVER;
    }
    return rc;
}

/* An argument the command does not take. Typed after a KEY=VALUE option
 * whose value has no = (--set 理由 不属于本单位职责), it is the value the
 * person meant, parted from its key by a blank: said so, with the word to
 * give, rather than only that the argument is unexpected. */
static int stray_argument(pt_cli_t *cli, const pt_opt_t *const *tables, int argc, char **argv,
                          const char *stray)
{
    for (int i = 2; i < argc; i++) {
        if (argv[i] != stray)
            continue;
        const char *opt = argv[i - 2], *key = argv[i - 1];
        if (strncmp(opt, "--", 2) != 0 || strchr(opt, '=') || strchr(key, '='))
            break;
        for (size_t t = 0; tables[t]; t++)
            for (const pt_opt_t *o = tables[t]; o->name; o++)
                if (strcmp(o->name, opt + 2) == 0 && o->metavar && strchr(o->metavar, '=')) {
                    char *k = pt_utf8_shown(key), *v = pt_utf8_shown(stray);
                    int rc = pt_cli_usage(cli,
                                          "unexpected argument \"%s\": %s takes %s as one "
                                          "word, without a blank: %s %s=%s",
                                          v, opt, o->metavar, opt, k, v);
                    free(k);
                    free(v);
                    return rc;
                }
        break;
    }
    char *shown = pt_utf8_shown(stray);
    int rc = pt_cli_usage(cli, "unexpected argument \"%s\"", shown);
    free(shown);
    return rc;
}

/* Says that name is no command, its bytes that are not UTF-8 as \xNN
 * (pt_utf8_shown), as the stray argument of stray_argument(). */
static void unknown_command(const char *name)
{
    char *shown = pt_utf8_shown(name);
    pt_text_sayf("ptrack: unknown command \"%s\" (see ptrack --help)", shown);
    free(shown);
}

static int run_command(const pt_command_t *c, int argc, char **argv)
{
    const pt_opt_t *const tables[] = {c->opts, global_opts, NULL};
    pt_cli_t cli = {.cmd = c->name};
    pt_args_t args;
    int rc;

    if (pt_args_parse(&args, tables, argc, argv, c->name) != 0) {
        rc = PT_EXIT_USAGE;
    } else if (pt_args_flag(&args, "help")) {
        print_command_help(c, stdout);
        rc = PT_EXIT_OK;
    } else if (pt_args_flag(&args, "version")) {
        printf("ptrack %s\n", PT_VERSION);
        rc = PT_EXIT_OK;
    } else if (args.n_pos < c->min_pos) {
        /* Name only what is missing: `ptrack do 12` lacks the ACTION, not
         * the ID. */
        const char *what = c->args ? c->args : "arguments";
        for (size_t i = 0; i < args.n_pos && strchr(what, ' '); i++)
            what = strchr(what, ' ') + 1;
        rc = pt_cli_usage(&cli, "missing %s", what);
    } else if (args.n_pos > c->max_pos) {
        rc = stray_argument(&cli, tables, argc, argv, args.pos[c->max_pos]);
    } else if (pt_args_check_positional(&args, c->args, c->name) != 0) {
        rc = PT_EXIT_USAGE;
    } else if ((rc = choose_endpoint(&cli, &args)) == PT_EXIT_OK) {
        cli.json = pt_args_flag(&args, "json");
        rc = c->run(&cli, &args);
    }
    rc = flush_output(&cli, rc);
    pt_cli_free(&cli);
    pt_args_free(&args);
    return rc;
}

/* Stdin, stdout or stderr closed (ptrack list >&-, a service started
 * without them) would be the number the next open takes: the connection to
 * ptrackd, into which the output would be written, and from which
 * `import -` would read. Each is held by /dev/null opened the other way
 * round, so that writing stdout fails as on a closed one (EBADF), and the
 * command says so, and reading stdin does too. */
static void hold_closed_std_fds(void)
{
    for (int fd = 0; fd <= 2; fd++) {
        if (fcntl(fd, F_GETFD) != -1 || errno != EBADF)
            continue;
        int held = open("/dev/null", fd == 0 ? O_WRONLY : O_RDONLY);
        if (held >= 0 && held != fd) {
            dup2(held, fd);
            close(held);
        }
    }
}

int main(int argc, char **argv)
{
    bool help = false, version = false;
    int rc;

    hold_closed_std_fds();

    int ci = find_command_index(argc, argv, &help, &version);
    if (ci < 0)
        return PT_EXIT_USAGE;
    if (ci >= argc) {
        if (version) {
            printf("ptrack %s\n", PT_VERSION);
            return flush_output(NULL, PT_EXIT_OK);
        }
        print_main_help(help ? stdout : stderr);
        return help ? flush_output(NULL, PT_EXIT_OK) : PT_EXIT_USAGE;
    }

    const char *name = argv[ci];
    const pt_command_t *c = find_command(name);
    /* "ptrack help list" is "ptrack list --help". */
    if (strcmp(name, "help") == 0) {
        const pt_command_t *about = ci + 1 < argc ? find_command(argv[ci + 1]) : NULL;
        if (ci + 1 < argc && !about) {
            unknown_command(argv[ci + 1]);
            return PT_EXIT_USAGE;
        }
        if (about)
            print_command_help(about, stdout);
        else
            print_main_help(stdout);
        return flush_output(NULL, PT_EXIT_OK);
    }
    if (!c) {
        unknown_command(name);
        return PT_EXIT_USAGE;
    }

    /* The command's arguments: everything but the program and command names,
     * global options before the command included. */
    char **rest = pt_xmalloc((size_t)argc * sizeof *rest);
    int n = 0;
    for (int i = 1; i < argc; i++)
        if (i != ci)
            rest[n++] = argv[i];

    if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
        fputs("ptrack: cannot initialise libcurl\n", stderr);
        free(rest);
        return PT_EXIT_CONNECT;
    }
    rc = run_command(c, n, rest);
    curl_global_cleanup();
    free(rest);
    return rc;
}
