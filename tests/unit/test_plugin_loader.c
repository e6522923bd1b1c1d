/*
 * test_plugin_loader.c - the plugin loader (plugin-loader.c) with the
 * fixture plugins: every refusal names its reason and leaves nothing
 * loaded; options are checked and their defaults filled in; one file is
 * shared by several instances; unload, load again, reload, and lookups by
 * format.
 *
 * The fixtures are the build's tests/plugins/fixture_*.so, found next to
 * this program. Each test copies what it needs into a directory of its
 * own, so that changing a file's mode or owner touches no build output.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "buf.h"
#include "config.h"
#include "fixture-base.h"
#include "json-strict.h"
#include "plugin-file.h"
#include "plugins.h"

typedef struct {
    uv_loop_t loop;
    pt_plugins_t *p;
    char dir[64]; /* the test's own plugin directory */
    pt_error_t err;
} fx_t;

static char fixtures[PATH_MAX];

/* Copies fixture_<name>.so into the test's directory as <as> (mode 0755). */
static void install(fx_t *f, const char *name, const char *as)
{
    char src[PATH_MAX + 64], dst[PATH_MAX];
    snprintf(src, sizeof(src), "%s/fixture_%s.so", fixtures, name);
    snprintf(dst, sizeof(dst), "%s/%s", f->dir, as);
    int in = open(src, O_RDONLY);
    if (in < 0)
        fail_msg("fixture %s: %s", src, strerror(errno));
    int out = open(dst, O_WRONLY | O_CREAT | O_TRUNC, 0755);
    assert_true(out >= 0);
    char buf[65536];
    ssize_t n;
    while ((n = read(in, buf, sizeof(buf))) > 0)
        assert_int_equal(write(out, buf, (size_t)n), n);
    close(in);
    close(out);
    assert_int_equal(chmod(dst, 0755), 0);
}

static int setup(void **state)
{
    fx_t *f = calloc(1, sizeof(*f));
    assert_non_null(f);
    assert_int_equal(uv_loop_init(&f->loop), 0);
    fixture_dir_make(f->dir, sizeof(f->dir), "ptplug");
    pt_plugins_options_t o = {.loop = &f->loop, .store = NULL, .plugin_dir = f->dir};
    assert_int_equal(pt_plugins_new(&o, &f->p), PT_OK);
    install(f, "good_options", "good_options.so");
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fx_t *f = *state;
    pt_plugins_free(f->p);
    pt_error_clear(&f->err);
    uv_run(&f->loop, UV_RUN_NOWAIT);
    uv_loop_close(&f->loop);
    fixture_dir_remove(f->dir);
    free(f);
    return 0;
}

/* Loads the entry given as JSON text; returns the code, err kept in f. */
static int load(fx_t *f, const char *json)
{
    cJSON *e = cJSON_Parse(json);
    assert_non_null(e);
    pt_error_clear(&f->err);
    int rc = pt_plugins_load(f->p, e, &f->err);
    cJSON_Delete(e);
    return rc;
}

/* The same for a built-in format plugin (builtin_plugins). */
static int load_builtin(fx_t *f, const char *json)
{
    cJSON *e = cJSON_Parse(json);
    assert_non_null(e);
    pt_error_clear(&f->err);
    int rc = pt_plugins_load_builtin(f->p, e, &f->err);
    cJSON_Delete(e);
    return rc;
}

/* pt_plugins_reload with entries and builtins given as JSON text. */
static int reload(fx_t *f, const char *entries, const char *builtins)
{
    cJSON *e = cJSON_Parse(entries), *b = cJSON_Parse(builtins);
    assert_non_null(e);
    assert_non_null(b);
    int rc = pt_plugins_reload(f->p, e, b);
    cJSON_Delete(e);
    cJSON_Delete(b);
    return rc;
}

static size_t loaded(fx_t *f)
{
    cJSON *l = pt_plugins_list(f->p);
    size_t n = (size_t)cJSON_GetArraySize(l);
    cJSON_Delete(l);
    return n;
}

/* The err's first field, for checks that refusals point at the right key. */
static const char *first_field(fx_t *f)
{
    const cJSON *fields = cJSON_GetObjectItemCaseSensitive(f->err.details, "fields");
    const cJSON *name = cJSON_GetObjectItemCaseSensitive(cJSON_GetArrayItem(fields, 0), "field");
    return cJSON_IsString(name) ? name->valuestring : "";
}

#define assert_refused(f, rc, code, text)                                                          \
    do {                                                                                           \
        assert_int_equal((rc), (code));                                                            \
        if (!strstr((f)->err.message, (text)))                                                     \
            fail_msg("message \"%s\" lacks \"%s\"", (f)->err.message, (text));                     \
        assert_int_equal(loaded(f), 0);                                                            \
    } while (0)

static void a_good_plugin_loads_with_its_defaults(void **state)
{
    fx_t *f = *state;
    assert_int_equal(load(f, "{\"instance\":\"opt-1\",\"path\":\"good_options.so\","
                             "\"config\":{\"url\":\"http://a\"}}"),
                     PT_OK);
    pt_instance_t *inst = pt_plugins_find(f->p, "opt-1");
    assert_non_null(inst);
    const ptrack_host_t *h = &pt_plugin_host;
    const char *url;
    int64_t retries, ms;
    int verbose;
    size_t n;
    const char *tag;
    assert_string_equal(h->instance_name(inst), "opt-1");
    assert_int_equal(h->opt_string(inst, "url", &url), PTRACK_OK);
    assert_string_equal(url, "http://a");
    assert_int_equal(h->opt_int(inst, "retries", &retries), PTRACK_OK);
    assert_int_equal(retries, 3);
    assert_int_equal(h->opt_bool(inst, "verbose", &verbose), PTRACK_OK);
    assert_int_equal(verbose, 0);
    assert_int_equal(h->opt_duration(inst, "timeout", &ms), PTRACK_OK);
    assert_int_equal(ms, 10000);
    assert_int_equal(h->opt_strings_count(inst, "tags", &n), PTRACK_OK);
    assert_int_equal(n, 2);
    assert_int_equal(h->opt_strings_at(inst, "tags", 1, &tag), PTRACK_OK);
    assert_string_equal(tag, "b");
    assert_int_equal(h->opt_strings_at(inst, "tags", 2, &tag), PTRACK_ENOTFOUND);
    assert_int_equal(h->opt_string(inst, "nope", &url), PTRACK_ENOTFOUND);
    assert_int_equal(h->opt_int(inst, "url", &retries), PTRACK_EINVAL);

    cJSON *list = pt_plugins_list(f->p);
    cJSON *o = cJSON_GetArrayItem(list, 0);
    assert_string_equal(cJSON_GetObjectItem(o, "plugin")->valuestring, "good_options");
    assert_string_equal(cJSON_GetObjectItem(o, "version")->valuestring, "1.0");
    assert_string_equal(cJSON_GetArrayItem(cJSON_GetObjectItem(o, "kinds"), 0)->valuestring,
                        "importer");
    assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItem(o, "options")), 5);
    char *cfg = cJSON_PrintUnformatted(cJSON_GetObjectItem(o, "config"));
    assert_string_equal(cfg, "{\"url\":\"http://a\",\"retries\":3,\"verbose\":false,"
                             "\"timeout\":\"10s\",\"tags\":[\"a\",\"b\"]}");
    free(cfg);
    cJSON_Delete(list);
    assert_ptr_equal(pt_plugins_importer(f->p, "fixture-options"), inst);
    assert_null(pt_plugins_exporter(f->p, "fixture-options"));
    assert_null(pt_plugins_importer(f->p, "csv"));
}

/* The config of an instance, as GET /v1/plugins shows it, as JSON text. */
static char *shown_config(fx_t *f, const char *instance)
{
    cJSON *list = pt_plugins_list(f->p);
    const cJSON *o;
    char *text = NULL;
    cJSON_ArrayForEach(o, list)
    {
        if (strcmp(cJSON_GetObjectItem(o, "instance")->valuestring, instance) == 0)
            text = cJSON_PrintUnformatted(cJSON_GetObjectItem(o, "config"));
    }
    cJSON_Delete(list);
    assert_non_null(text);
    return text;
}

/* A PTRACK_OPT_SECRET (ABI 1.6) is a string that the plugin reads with
 * opt_string, but GET /v1/plugins shows it as a mask, and its option as
 * "secret": an operator pastes that answer into a ticket. Not set, it
 * stays absent. */
static void a_secret_option_is_read_but_never_shown(void **state)
{
    fx_t *f = *state;
    install(f, "good_secret", "good_secret.so");
    assert_int_equal(load(f, "{\"instance\":\"s\",\"path\":\"good_secret.so\","
                             "\"config\":{\"url\":\"http://a\",\"token\":\"hunter2-口令\"}}"),
                     PT_OK);
    pt_instance_t *inst = pt_plugins_find(f->p, "s");
    assert_non_null(inst);
    const char *token = NULL;
    assert_int_equal(pt_plugin_host.opt_string(inst, "token", &token), PTRACK_OK);
    assert_string_equal(token, "hunter2-口令");

    char *cfg = shown_config(f, "s");
    assert_string_equal(cfg, "{\"url\":\"http://a\",\"token\":\"********\"}");
    free(cfg);
    cJSON *list = pt_plugins_list(f->p);
    char *all = cJSON_PrintUnformatted(list);
    cJSON_Delete(list);
    if (strstr(all, "hunter2"))
        fail_msg("GET /v1/plugins shows the secret: %s", all);
    if (!strstr(all, "{\"key\":\"token\",\"type\":\"secret\","))
        fail_msg("the option table does not show the type secret: %s", all);
    free(all);

    /* Not set: shown as it is (absent). One format, one instance: s goes. */
    assert_int_equal(pt_plugins_unload(f->p, "s", 1000, &f->err), PT_OK);
    assert_int_equal(load(f, "{\"instance\":\"unset\",\"path\":\"good_secret.so\","
                             "\"config\":{\"url\":\"http://b\"}}"),
                     PT_OK);
    cfg = shown_config(f, "unset");
    assert_string_equal(cfg, "{\"url\":\"http://b\"}");
    free(cfg);

    /* Read with a getter of another type, unset as it is: PTRACK_EINVAL,
     * the plugin's bug, as when it is set; PTRACK_ENOTFOUND is for an
     * option of the getter's type that is not set. */
    pt_instance_t *unset = pt_plugins_find(f->p, "unset");
    int64_t n = 7;
    assert_int_equal(pt_plugin_host.opt_int(unset, "token", &n), PTRACK_EINVAL);
    assert_int_equal(n, 7);
    token = "kept";
    assert_int_equal(pt_plugin_host.opt_string(unset, "token", &token), PTRACK_ENOTFOUND);
    assert_string_equal(token, "kept");
}

/* A plugin's string option that holds a URL (good_secret's url, a string
 * to the host like any) is read as configured but shown with its
 * credentials masked: the password of the login, a robot's key. */
static void an_option_url_is_read_as_it_is_but_shown_without_credentials(void **state)
{
    fx_t *f = *state;
    install(f, "good_secret", "good_secret.so");
    assert_int_equal(load(f, "{\"instance\":\"s\",\"path\":\"good_secret.so\","
                             "\"config\":{\"url\":\"https://bot:pw-口令@[::1]:8443/send?"
                             "key=kk-7&n=1#top\"}}"),
                     PT_OK);
    pt_instance_t *inst = pt_plugins_find(f->p, "s");
    assert_non_null(inst);
    const char *url = NULL;
    assert_int_equal(pt_plugin_host.opt_string(inst, "url", &url), PTRACK_OK);
    assert_string_equal(url, "https://bot:pw-口令@[::1]:8443/send?key=kk-7&n=1#top");
    char *cfg = shown_config(f, "s");
    assert_string_equal(cfg,
                        "{\"url\":\"https://bot:********@[::1]:8443/send?key=********&n=1#top\"}");
    free(cfg);
}

/* A secret of the wrong type is refused naming the option and the type
 * given, never the value: digits given as a number are a password too. */
static void a_refused_secret_is_not_quoted(void **state)
{
    fx_t *f = *state;
    install(f, "good_secret", "good_secret.so");
    assert_int_equal(load(f, "{\"instance\":\"s\",\"path\":\"good_secret.so\","
                             "\"config\":{\"url\":\"http://a\",\"token\":20250601}}"),
                     PT_EVALIDATION);
    if (!strstr(f->err.message, "option \"token\" of good_secret must be a string (a secret, "
                                "which is never shown), not a number (write text that looks "
                                "like a number in quotes) (token: the receiver's key)"))
        fail_msg("the refusal does not say what is wrong: %s", f->err.message);
    char *details = cJSON_PrintUnformatted(f->err.details);
    if (strstr(f->err.message, "20250601") || (details && strstr(details, "20250601")))
        fail_msg("the refusal quotes the secret: %s %s", f->err.message, details);
    free(details);
    assert_int_equal(load(f, "{\"instance\":\"s\",\"path\":\"good_secret.so\","
                             "\"config\":{\"url\":\"http://a\",\"token\":[\"hunter2\"]}}"),
                     PT_EVALIDATION);
    if (strstr(f->err.message, "hunter2") || !strstr(f->err.message, "not an array"))
        fail_msg("the refusal of a list: %s", f->err.message);
    assert_int_equal(loaded(f), 0);
}

/* A built-in instance and one of the configuration's may run one file
 * (the office's takes the format over): the file is opened once. */
static void two_instances_of_one_file_share_it(void **state)
{
    fx_t *f = *state;
    char abs[PATH_MAX];
    snprintf(abs, sizeof(abs),
             "{\"instance\":\"b\",\"path\":\"%s/good_options.so\",\"config\":{\"url\":\"http://b\","
             "\"retries\":5,\"verbose\":true,\"timeout\":\"1m\",\"tags\":[\"甲\"]}}",
             f->dir);
    assert_int_equal(load_builtin(f, "{\"instance\":\"a\",\"path\":\"good_options.so\","
                                     "\"config\":{\"url\":\"http://a\"}}"),
                     PT_OK);
    assert_int_equal(load(f, abs), PT_OK);
    pt_instance_t *a = pt_plugins_find(f->p, "a"), *b = pt_plugins_find(f->p, "b");
    assert_ptr_equal(a->file, b->file);
    assert_int_equal(a->file->refs, 2);
    const char *url;
    int64_t ms;
    pt_plugin_host.opt_string(b, "url", &url);
    assert_string_equal(url, "http://b");
    pt_plugin_host.opt_duration(b, "timeout", &ms);
    assert_int_equal(ms, 60000);
    pt_plugin_host.opt_string(a, "url", &url);
    assert_string_equal(url, "http://a");
    assert_int_equal(loaded(f), 2);

    /* Unload one: the other keeps the file; unload both: then load again. */
    assert_int_equal(pt_plugins_unload(f->p, "a", 1000, &f->err), PT_OK);
    assert_int_equal(b->file->refs, 1);
    assert_int_equal(pt_plugins_unload(f->p, "b", 1000, &f->err), PT_OK);
    assert_int_equal(loaded(f), 0);
    assert_int_equal(pt_plugins_unload(f->p, "b", 1000, &f->err), PT_ENOTFOUND);
    pt_error_clear(&f->err);
    assert_int_equal(load(f, abs), PT_OK);
    assert_int_equal(loaded(f), 1);
}

/* A loaded file's status at its path, as a reload judges it: a touch or a
 * chmod that leaves it loadable is no change, and is recorded so that the
 * file is not read again; writable by others (which a load refuses) is a
 * change whatever it holds; new content is a change. */
static void a_reload_judges_the_file_by_content_and_by_what_a_load_refuses(void **state)
{
    fx_t *f = *state;
    assert_int_equal(load(f, "{\"instance\":\"a\",\"path\":\"good_options.so\","
                             "\"config\":{\"url\":\"http://a\"}}"),
                     PT_OK);
    pt_plugin_file_t *file = pt_plugins_find(f->p, "a")->file;
    char path[PATH_MAX];
    snprintf(path, sizeof(path), "%s/good_options.so", f->dir);
    assert_false(pt_plugin_file_changed(file));

    /* Touched and chmodded, loadable: no change, and the new status is
     * the file's now. */
    struct timespec times[2] = {{.tv_sec = 1700000000}, {.tv_sec = 1700000000}};
    assert_int_equal(utimensat(AT_FDCWD, path, times, 0), 0);
    assert_int_equal(chmod(path, 0700), 0);
    assert_false(pt_plugin_file_changed(file));
    struct stat st;
    assert_int_equal(stat(path, &st), 0);
    assert_true(pt_plugin_file_is(file, &st));

    /* Writable by others or by its group: a change, though it holds the
     * same; not recorded, so it stays one until it is mended. */
    assert_int_equal(chmod(path, 0757), 0);
    assert_true(pt_plugin_file_changed(file));
    assert_true(pt_plugin_file_changed(file));
    assert_int_equal(chmod(path, 0775), 0);
    assert_true(pt_plugin_file_changed(file));
    assert_int_equal(chmod(path, 0755), 0);
    assert_false(pt_plugin_file_changed(file));

    /* Another build in its place: a change. */
    install(f, "good_lines", "good_options.so");
    assert_true(pt_plugin_file_changed(file));
}

/* Two instances that are not built in never serve one format: the second
 * is refused, naming the first and the format, also when it is the same
 * file. */
static void a_second_instance_of_a_format_is_refused_naming_both(void **state)
{
    fx_t *f = *state;
    install(f, "good_options", "other_options.so");
    assert_int_equal(load(f, "{\"instance\":\"a\",\"path\":\"good_options.so\","
                             "\"config\":{\"url\":\"u\"}}"),
                     PT_OK);
    assert_int_equal(load(f, "{\"instance\":\"b\",\"path\":\"good_options.so\","
                             "\"config\":{\"url\":\"v\"}}"),
                     PT_ECONFLICT);
    if (!strstr(f->err.message, "plugin instance b would import the format \"fixture-options\", "
                                "which instance a (good_options) imports already"))
        fail_msg("message: %s", f->err.message);
    cJSON *e = cJSON_Parse("{\"instance\":\"c\",\"path\":\"other_options.so\","
                           "\"config\":{\"url\":\"w\"}}");
    pt_error_clear(&f->err);
    assert_int_equal(pt_plugins_load_runtime(f->p, e, &f->err), PT_ECONFLICT);
    cJSON_Delete(e);
    assert_non_null(strstr(f->err.message, "which instance a (good_options) imports already"));
    assert_int_equal(loaded(f), 1);
    assert_int_equal(pt_plugins_find(f->p, "a")->file->refs, 1);
    /* Two built-in ones: the first stays. */
    install(f, "good_lines", "import_lines.so");
    install(f, "good_lines", "import_lines2.so");
    assert_int_equal(
        load_builtin(f, "{\"instance\":\"import_lines\",\"path\":\"import_lines.so\"}"), PT_OK);
    assert_int_equal(
        load_builtin(f, "{\"instance\":\"import_lines2\",\"path\":\"import_lines2.so\"}"),
        PT_ECONFLICT);
    assert_ptr_equal(pt_plugins_importer(f->p, "fixture-lines"),
                     pt_plugins_find(f->p, "import_lines"));
    /* The formats served name each format once. */
    cJSON *formats = pt_plugins_formats(f->p);
    char *text = cJSON_PrintUnformatted(formats);
    assert_string_equal(text, "{\"import\":{\"fixture-options\":\"a\",\"fixture-lines\":"
                              "\"import_lines\"},\"export\":{\"fixture-lines\":\"import_lines\"}}");
    cJSON_free(text);
    cJSON_Delete(formats);
}

/* An instance of the office's own takes a built-in one's format over,
 * whether it is loaded before or after it, and across reloads that make
 * either of them again; when it goes, the built-in one serves again. */
static void an_office_instance_takes_a_builtin_format_whatever_the_order(void **state)
{
    fx_t *f = *state;
    install(f, "good_lines", "import_lines.so");
    install(f, "good_lines", "office_lines.so");
    assert_int_equal(load(f, "{\"instance\":\"office\",\"path\":\"office_lines.so\"}"), PT_OK);
    assert_int_equal(
        load_builtin(f, "{\"instance\":\"import_lines\",\"path\":\"import_lines.so\"}"), PT_OK);
    pt_instance_t *office = pt_plugins_find(f->p, "office");
    assert_ptr_equal(pt_plugins_importer(f->p, "fixture-lines"), office);
    assert_ptr_equal(pt_plugins_exporter(f->p, "fixture-lines"), office);
    assert_int_equal(pt_plugins_unload(f->p, "office", 1000, &f->err), PT_OK);
    assert_ptr_equal(pt_plugins_importer(f->p, "fixture-lines"),
                     pt_plugins_find(f->p, "import_lines"));
    assert_int_equal(load(f, "{\"instance\":\"office\",\"path\":\"office_lines.so\"}"), PT_OK);
    assert_ptr_equal(pt_plugins_importer(f->p, "fixture-lines"), pt_plugins_find(f->p, "office"));

    /* GET /v1/plugins says who serves what. */
    cJSON *o = pt_plugins_instance_json(f->p, "import_lines");
    char *text = cJSON_PrintUnformatted(cJSON_GetObjectItem(o, "serves"));
    assert_string_equal(text, "{\"import\":[],\"export\":[]}");
    assert_true(cJSON_IsTrue(cJSON_GetObjectItem(o, "builtin")));
    cJSON_free(text);
    cJSON_Delete(o);
    o = pt_plugins_instance_json(f->p, "office");
    text = cJSON_PrintUnformatted(cJSON_GetObjectItem(o, "serves"));
    assert_string_equal(text, "{\"import\":[\"fixture-lines\"],\"export\":[\"fixture-lines\"]}");
    assert_true(cJSON_IsFalse(cJSON_GetObjectItem(o, "builtin")));
    cJSON_free(text);
    cJSON_Delete(o);

    /* A reload that changes the office's entry (made again, at the end of
     * the list) and one that changes the built-in one: the office's still
     * serves. */
    const char *builtins = "[{\"instance\":\"import_lines\",\"path\":\"import_lines.so\"}]";
    assert_int_equal(
        reload(f, "[{\"instance\":\"office\",\"path\":\"office_lines.so\",\"config\":{}}]",
               builtins),
        0);
    assert_ptr_equal(pt_plugins_importer(f->p, "fixture-lines"), pt_plugins_find(f->p, "office"));
    assert_int_equal(
        reload(f, "[{\"instance\":\"office\",\"path\":\"office_lines.so\",\"config\":{}}]",
               "[{\"instance\":\"import_lines\",\"path\":\"import_lines.so\",\"config\":{}}]"),
        0);
    assert_ptr_equal(pt_plugins_importer(f->p, "fixture-lines"), pt_plugins_find(f->p, "office"));
    assert_true(pt_plugins_find(f->p, "import_lines")->builtin);
    /* The office's instance leaves the configuration: the built-in one
     * serves again. */
    assert_int_equal(reload(f, "[]", builtins), 0);
    assert_null(pt_plugins_find(f->p, "office"));
    assert_ptr_equal(pt_plugins_importer(f->p, "fixture-lines"),
                     pt_plugins_find(f->p, "import_lines"));
}

/* A configuration with two instances of one format is refused before
 * anything changes, naming both and the format; so is one whose instance
 * would take the format of an instance loaded at run time. */
static void a_config_with_two_instances_of_a_format_is_refused(void **state)
{
    fx_t *f = *state;
    install(f, "good_lines", "lines_a.so");
    install(f, "good_lines", "lines_b.so");
    cJSON *entries = cJSON_Parse("[{\"instance\":\"la\",\"path\":\"lines_a.so\"},"
                                 " {\"instance\":\"lb\",\"path\":\"lines_b.so\"}]");
    assert_int_equal(pt_plugins_check(f->p, entries, false, &f->err), PT_ECONFLICT);
    if (!strstr(f->err.message, "plugin instances la and lb would both import the format "
                                "\"fixture-lines\""))
        fail_msg("message: %s", f->err.message);
    cJSON_Delete(entries);
    assert_int_equal(loaded(f), 0);

    cJSON *e = cJSON_Parse("{\"instance\":\"adhoc\",\"path\":\"lines_a.so\"}");
    pt_error_clear(&f->err);
    assert_int_equal(pt_plugins_load_runtime(f->p, e, &f->err), PT_OK);
    cJSON_Delete(e);
    entries = cJSON_Parse("[{\"instance\":\"lb\",\"path\":\"lines_b.so\"}]");
    assert_int_equal(pt_plugins_check(f->p, entries, false, &f->err), PT_ECONFLICT);
    if (!strstr(f->err.message, "plugin instance lb would import the format \"fixture-lines\", "
                                "which instance adhoc, loaded at run time, imports already"))
        fail_msg("message: %s", f->err.message);
    cJSON_Delete(entries);
    /* Naming the run-time instance takes it over: no clash. */
    entries = cJSON_Parse("[{\"instance\":\"adhoc\",\"path\":\"lines_b.so\"}]");
    pt_error_clear(&f->err);
    assert_int_equal(pt_plugins_check(f->p, entries, false, &f->err), PT_OK);
    cJSON_Delete(entries);
}

static void a_taken_name_is_a_conflict(void **state)
{
    fx_t *f = *state;
    const char *e = "{\"instance\":\"a\",\"path\":\"good_options.so\",\"config\":{\"url\":\"u\"}}";
    assert_int_equal(load(f, e), PT_OK);
    assert_int_equal(load(f, e), PT_ECONFLICT);
    assert_non_null(strstr(f->err.message, "\"a\" already"));
    assert_int_equal(loaded(f), 1);
    assert_int_equal(pt_plugins_find(f->p, "a")->file->refs, 1);
}

static void abi_and_descriptor_refusals_name_the_reason(void **state)
{
    fx_t *f = *state;
    install(f, "bad_major", "bad_major.so");
    install(f, "bad_minor", "bad_minor.so");
    install(f, "bad_small", "bad_small.so");
    install(f, "bad_noentry", "bad_noentry.so");
    assert_refused(f, load(f, "{\"instance\":\"x\",\"path\":\"bad_major.so\"}"), PT_EVALIDATION,
                   "is built for ABI 2.x; this ptrackd speaks 1.x");
    assert_string_equal(first_field(f), "path");
    assert_refused(f, load(f, "{\"instance\":\"x\",\"path\":\"bad_minor.so\"}"), PT_EVALIDATION,
                   "needs ABI 1.7, newer than this ptrackd's 1.6");
    assert_refused(f, load(f, "{\"instance\":\"x\",\"path\":\"bad_small.so\"}"), PT_EVALIDATION,
                   "smaller than ABI 1.0's");
    assert_refused(f, load(f, "{\"instance\":\"x\",\"path\":\"bad_noentry.so\"}"), PT_EVALIDATION,
                   "does not export ptrack_plugin_entry (is it a ptrack plugin?)");
    install(f, "bad_args", "bad_args.so");
    assert_refused(f, load(f, "{\"instance\":\"x\",\"path\":\"bad_args.so\"}"), PT_EVALIDATION,
                   "declares an importer argument without a name");
    install(f, "bad_format", "bad_format.so");
    assert_refused(f, load(f, "{\"instance\":\"x\",\"path\":\"bad_format.so\"}"), PT_EVALIDATION,
                   "declares the import format \"Upper\"; a format name is 1 to 64 lower-case "
                   "ASCII letters, digits, _ and -");
    assert_string_equal(first_field(f), "path");
}

/* A bad row of a plugin's option table is refused naming what is wrong
 * with it, and only that: an empty key is not called an unknown type. */
static void a_bad_option_is_refused_naming_only_what_is_wrong(void **state)
{
    fx_t *f = *state;
    static const char *const cases[][2] = {
        {"bad_option_key", "declares an option with an empty key"},
        {"bad_option_events", "declares the option \"events\", a key the host keeps for itself"},
        {"bad_option_type", "declares the option \"mode\" with an unknown type 99"},
    };
    static const char *const reasons[] = {"empty key", "keeps for itself", "unknown type"};
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        char as[40], entry[96];
        snprintf(as, sizeof(as), "%s.so", cases[i][0]);
        install(f, cases[i][0], as);
        snprintf(entry, sizeof(entry), "{\"instance\":\"x\",\"path\":\"%s\"}", as);
        assert_refused(f, load(f, entry), PT_EVALIDATION, cases[i][1]);
        assert_string_equal(first_field(f), "path");
        for (size_t r = 0; r < sizeof(reasons) / sizeof(reasons[0]); r++)
            if (r != i && strstr(f->err.message, reasons[r]))
                fail_msg("message \"%s\" names \"%s\" too", f->err.message, reasons[r]);
    }
}

/* A key of a plugin's option table that holds control characters (an
 * escape sequence, a line break) is quoted in each refusal with them as
 * \xNN, as a request's header name is: as they were, they acted on the
 * terminal that shows the refusal, and split the log's line. */
#define assert_shown(f, rc, text)                                                                  \
    do {                                                                                           \
        assert_refused(f, rc, PT_EVALIDATION, text);                                               \
        if (strpbrk((f)->err.message, "\x1b\n"))                                                   \
            fail_msg("message \"%s\" holds a control character", (f)->err.message);                \
    } while (0)

static void an_option_key_with_control_characters_is_shown_escaped(void **state)
{
    fx_t *f = *state;
    install(f, "bad_option_control_type", "control_type.so");
    assert_shown(f, load(f, "{\"instance\":\"x\",\"path\":\"control_type.so\"}"),
                 "declares the option \"mo\\x1b[2Jd\\x0ae\" with an unknown type 99");
    install(f, "bad_option_control", "control.so");
    assert_shown(f, load(f, "{\"instance\":\"x\",\"path\":\"control.so\"}"),
                 "option \"ti\\x1b[31mt\\x0ale\" of bad_option_control is required");
    /* A value of the wrong type, with the option's help after its key,
     * and no --set to paste, which could not hold the key either. */
    assert_shown(f,
                 load(f, "{\"instance\":\"x\",\"path\":\"control.so\","
                         "\"config\":{\"ti\\u001b[31mt\\nle\":5}}"),
                 "option \"ti\\x1b[31mt\\x0ale\" of bad_option_control must be a string, not a "
                 "number (write text that looks like a number in quotes) "
                 "(ti\\x1b[31mt\\x0ale: the fixture's one option)");
    assert_shown(f,
                 load(f, "{\"instance\":\"x\",\"path\":\"control.so\","
                         "\"config\":{\"ti\\u001b[31mt\\nle\":true}}"),
                 "option \"ti\\x1b[31mt\\x0ale\" of bad_option_control must be a string, not a "
                 "boolean");
    /* The list of its options that an unknown one is told. */
    assert_shown(f,
                 load(f, "{\"instance\":\"x\",\"path\":\"control.so\","
                         "\"config\":{\"title\":\"a\"}}"),
                 "(its options: ti\\x1b[31mt\\x0ale)");
}

/* The other texts that a refusal quotes from a plugin, its name, a
 * format, an option's default and help, and from its client, a key of the
 * config that is no option, show a control character or a byte that is
 * not UTF-8 as \xNN too, and their Chinese as it is. */
static void a_plugin_s_texts_with_control_characters_are_shown_escaped(void **state)
{
    fx_t *f = *state;
    install(f, "bad_desc_control", "desc.so");
    assert_shown(f, load(f, "{\"instance\":\"x\",\"path\":\"desc.so\"}"), "plugin 报表\\x1b[2J (");
    assert_shown(f, PT_EVALIDATION,
                 "): the default \"3\\x1b[31m次\" of option \"次\\x1b数\" is not an integer");
    install(f, "bad_format_control", "format.so");
    assert_shown(f, load(f, "{\"instance\":\"x\",\"path\":\"format.so\"}"),
                 "declares the import format \"csv\\x1b[2J\"; a format name is");
    install(f, "bad_option_help", "help.so");
    assert_shown(f, load(f, "{\"instance\":\"x\",\"path\":\"help.so\"}"),
                 "option \"标题\" of bad_option_help is required "
                 "(标题，\\x1b[2J一行\\x0a两行\\xff)");
    assert_true(pt_utf8_valid(f->err.message, strlen(f->err.message)));
    assert_shown(f,
                 load(f, "{\"instance\":\"x\",\"path\":\"help.so\","
                         "\"config\":{\"标题\":true}}"),
                 "option \"标题\" of bad_option_help must be a string, not a boolean "
                 "(标题: 标题，\\x1b[2J一行\\x0a两行\\xff)");
    assert_true(pt_utf8_valid(f->err.message, strlen(f->err.message)));
    assert_shown(f,
                 load(f, "{\"instance\":\"x\",\"path\":\"help.so\","
                         "\"config\":{\"标题\":\"a\",\"标\\u001b[2J\\n题\":\"b\"}}"),
                 "option \"标\\x1b[2J\\x0a题\" is not an option of bad_option_help (its options: "
                 "标题)");
}

/* Ops whose struct_size is smaller than ABI 1.0's are refused as too
 * small, and nothing of them is read but struct_size: the fixtures' ops
 * end at their struct_size member, right before a page nobody may read,
 * so that reading deliver(), import() or export() to word the refusal
 * crashes this test. */
static void ops_too_small_are_refused_without_reading_past_their_size(void **state)
{
    fx_t *f = *state;
    static const char *const kinds[][2] = {
        {"notifier", "a notifier"}, {"importer", "an importer"}, {"exporter", "an exporter"}};
    for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++) {
        char name[32], as[40], entry[96], want[128];
        snprintf(name, sizeof(name), "bad_tiny_%s", kinds[i][0]);
        snprintf(as, sizeof(as), "%s.so", name);
        install(f, name, as);
        snprintf(entry, sizeof(entry), "{\"instance\":\"x\",\"path\":\"%s\"}", as);
        snprintf(want, sizeof(want), "says it is %s but its %s ops are too small", kinds[i][1],
                 kinds[i][0]);
        assert_refused(f, load(f, entry), PT_EVALIDATION, want);
        assert_string_equal(first_field(f), "path");
    }
    assert_int_equal(loaded(f), 0);
}

/* ABI 1.1's args reach the host as declared; a 1.0 plugin's ops end before
 * them, and the host's copy says "not declared" (NULL), as does a 1.1
 * plugin that leaves them NULL. */
static void declared_job_args_are_kept_and_a_1_0_plugin_has_none(void **state)
{
    fx_t *f = *state;
    install(f, "good_lines", "good_lines.so");
    install(f, "import_jsonl", "import_jsonl.so");
    assert_int_equal(load(f, "{\"instance\":\"lines\",\"path\":\"good_lines.so\"}"), PT_OK);
    assert_int_equal(load(f, "{\"instance\":\"jl\",\"path\":\"import_jsonl.so\"}"), PT_OK);
    const pt_instance_t *lines = pt_plugins_find(f->p, "lines");
    const pt_instance_t *jl = pt_plugins_find(f->p, "jl");
    const char *const *args = pt_instance_job_args(lines, PTRACK_KIND_IMPORTER);
    assert_non_null(args);
    assert_null(args[0]);
    assert_null(pt_instance_job_args(lines, PTRACK_KIND_EXPORTER));
    assert_null(pt_instance_job_args(jl, PTRACK_KIND_IMPORTER));
    assert_null(pt_instance_job_args(jl, PTRACK_KIND_EXPORTER));
    assert_int_equal(jl->file->desc->abi_minor, 0);
    cJSON *list = pt_plugins_list(f->p);
    char *text = cJSON_PrintUnformatted(list);
    assert_non_null(strstr(text, "\"args\":{\"import\":[],\"export\":null}"));
    assert_non_null(strstr(text, "\"args\":{\"import\":null}"));
    cJSON_free(text);
    cJSON_Delete(list);
}

static void file_refusals_name_the_reason(void **state)
{
    fx_t *f = *state;
    char path[PATH_MAX], e[PATH_MAX + 128];

    snprintf(path, sizeof(path), "%s/x.so", f->dir);
    FILE *t = fopen(path, "w");
    fputs("this is not a shared object\n", t);
    fclose(t);
    chmod(path, 0644);
    assert_refused(f, load(f, "{\"instance\":\"x\",\"path\":\"x.so\"}"), PT_EVALIDATION,
                   "is not a shared object: ");

    assert_refused(f, load(f, "{\"instance\":\"x\",\"path\":\"nothing.so\"}"), PT_EVALIDATION,
                   "does not exist");

    /* Good shared objects the dynamic linker cannot link are no "not a
     * shared object": the refusal says what is missing. */
    install(f, "bad_undefined", "undef.so");
    assert_refused(f, load(f, "{\"instance\":\"x\",\"path\":\"undef.so\"}"), PT_EVALIDATION,
                   "undef.so cannot be loaded: undefined symbol: pt_fixture_nowhere (no library");
    assert_null(strstr(f->err.message, "not a shared object"));
    install(f, "bad_needslib", "needs.so");
    assert_refused(f, load(f, "{\"instance\":\"x\",\"path\":\"needs.so\"}"), PT_EVALIDATION,
                   "needs.so cannot be loaded: a library it is linked against is missing: "
                   "libfixture_gone.so: cannot open shared object file");
    assert_null(strstr(f->err.message, "not a shared object"));

    install(f, "good_options", "open.so");
    snprintf(path, sizeof(path), "%s/open.so", f->dir);
    chmod(path, 0666);
    assert_refused(f,
                   load(f, "{\"instance\":\"x\",\"path\":\"open.so\",\"config\":{\"url\":\"u\"}}"),
                   PT_EVALIDATION, "is writable by others (mode 0666); chmod go-w it");
    chmod(path, 0775);
    assert_refused(f,
                   load(f, "{\"instance\":\"x\",\"path\":\"open.so\",\"config\":{\"url\":\"u\"}}"),
                   PT_EVALIDATION, "is writable by its group (mode 0775)");

    snprintf(path, sizeof(path), "%s/link.so", f->dir);
    assert_int_equal(symlink("good_options.so", path), 0);
    assert_refused(f,
                   load(f, "{\"instance\":\"x\",\"path\":\"link.so\",\"config\":{\"url\":\"u\"}}"),
                   PT_EVALIDATION, "is a symbolic link");

    /* A FIFO is refused at once (open() must not wait for a writer). */
    snprintf(path, sizeof(path), "%s/fifo.so", f->dir);
    assert_int_equal(mkfifo(path, 0644), 0);
    assert_refused(f, load(f, "{\"instance\":\"x\",\"path\":\"fifo.so\"}"), PT_EVALIDATION,
                   "is not a regular file");

    snprintf(path, sizeof(path), "%s/dir.so", f->dir);
    assert_int_equal(mkdir(path, 0755), 0);
    assert_refused(f, load(f, "{\"instance\":\"x\",\"path\":\"dir.so\"}"), PT_EVALIDATION,
                   "is not a regular file");

    if (geteuid() == 0) {
        install(f, "good_options", "theirs.so");
        snprintf(path, sizeof(path), "%s/theirs.so", f->dir);
        assert_int_equal(chown(path, 65534, 65534), 0);
        snprintf(e, sizeof(e), "{\"instance\":\"x\",\"path\":\"%s\",\"config\":{\"url\":\"u\"}}",
                 path);
        assert_refused(f, load(f, e), PT_EVALIDATION,
                       "is owned by uid 65534; it must be owned by root or by ptrackd's user");
    }
}

/* A plugin file's directory is checked as the file is: whoever may write
 * to it may rename a file of their own over the plugin's. The refusal names
 * the directory and the fix; the directory's parents are not checked; a
 * reload judges a loaded file whose directory a load would now refuse a
 * change, until it is mended. */
static void a_plugin_directory_others_may_write_to_is_refused(void **state)
{
    fx_t *f = *state;
    const char *entry = "{\"instance\":\"x\",\"path\":\"good_options.so\","
                        "\"config\":{\"url\":\"u\"}}";
    char want[PATH_MAX * 2 + 128];

    assert_int_equal(chmod(f->dir, 0775), 0);
    snprintf(want, sizeof(want),
             "plugin file %s/good_options.so: its directory %s is writable by its group (mode "
             "0775); chmod go-w it",
             f->dir, f->dir);
    assert_refused(f, load(f, entry), PT_EVALIDATION, want);
    assert_string_equal(first_field(f), "path");
    assert_int_equal(chmod(f->dir, 01777), 0);
    snprintf(want, sizeof(want),
             "its directory %s is writable by others (mode 1777); chmod go-w it", f->dir);
    assert_refused(f, load(f, entry), PT_EVALIDATION, want);

    if (geteuid() == 0) {
        assert_int_equal(chmod(f->dir, 0755), 0);
        assert_int_equal(chown(f->dir, 65534, 65534), 0);
        snprintf(want, sizeof(want),
                 "its directory %s is owned by uid 65534; it must be owned by root or by "
                 "ptrackd's user (uid 0): chown root it",
                 f->dir);
        assert_refused(f, load(f, entry), PT_EVALIDATION, want);
        assert_int_equal(chown(f->dir, 0, 0), 0);
    }

    /* Only the directory that holds the file: a loose parent is not its
     * business. */
    char dir[PATH_MAX], abs[PATH_MAX + 128];
    snprintf(dir, sizeof(dir), "%s/loose", f->dir);
    assert_int_equal(mkdir(dir, 0700), 0);
    assert_int_equal(chmod(dir, 0777), 0);
    snprintf(dir, sizeof(dir), "%s/loose/tight", f->dir);
    assert_int_equal(mkdir(dir, 0755), 0);
    install(f, "good_options", "loose/tight/good.so");
    snprintf(abs, sizeof(abs),
             "{\"instance\":\"abs\",\"path\":\"%s/good.so\",\"config\":{\"url\":\"u\"}}", dir);
    assert_int_equal(chmod(f->dir, 0700), 0);
    assert_int_equal(load(f, abs), PT_OK);

    /* Loaded, then its directory made writable by its group: a change for
     * a reload, until the directory is mended. */
    pt_plugin_file_t *file = pt_plugins_find(f->p, "abs")->file;
    assert_false(pt_plugin_file_changed(file));
    assert_int_equal(chmod(dir, 0775), 0);
    assert_true(pt_plugin_file_changed(file));
    assert_int_equal(chmod(dir, 0755), 0);
    assert_false(pt_plugin_file_changed(file));
}

static void option_refusals_name_the_option(void **state)
{
    fx_t *f = *state;
    assert_refused(f,
                   load(f, "{\"instance\":\"x\",\"path\":\"good_options.so\","
                           "\"config\":{\"urll\":\"u\",\"url\":\"u\"}}"),
                   PT_EVALIDATION,
                   "option \"urll\" is not an option of good_options (its options: url, retries, "
                   "verbose, timeout, tags)");
    assert_string_equal(first_field(f), "config.urll");
    assert_refused(f, load(f, "{\"instance\":\"x\",\"path\":\"good_options.so\",\"config\":{}}"),
                   PT_EVALIDATION, "option \"url\" of good_options is required");
    assert_string_equal(first_field(f), "config.url");
    assert_refused(f, load(f, "{\"instance\":\"x\",\"path\":\"good_options.so\"}"), PT_EVALIDATION,
                   "option \"url\" of good_options is required");
    assert_refused(f,
                   load(f, "{\"instance\":\"x\",\"path\":\"good_options.so\","
                           "\"config\":{\"url\":\"u\",\"retries\":\"3\"}}"),
                   PT_EVALIDATION,
                   "option \"retries\" of good_options must be an integer, not a string");
    assert_refused(f,
                   load(f, "{\"instance\":\"x\",\"path\":\"good_options.so\","
                           "\"config\":{\"url\":\"u\",\"retries\":1.5}}"),
                   PT_EVALIDATION, "must be an integer, not 1.5");
    assert_refused(f,
                   load(f, "{\"instance\":\"x\",\"path\":\"good_options.so\","
                           "\"config\":{\"url\":7}}"),
                   PT_EVALIDATION, "option \"url\" of good_options must be a string, not a number");
    assert_refused(
        f,
        load(f, "{\"instance\":\"x\",\"path\":\"good_options.so\","
                "\"config\":{\"url\":\"u\",\"timeout\":\"soon\"}}"),
        PT_EVALIDATION,
        "must be a duration such as \"10s\" (units ms s m h d, at most 36500d), not \"soon\"");
    assert_refused(f,
                   load(f, "{\"instance\":\"x\",\"path\":\"good_options.so\","
                           "\"config\":{\"url\":\"u\",\"timeout\":\"36501d\"}}"),
                   PT_EVALIDATION, "at most 36500d), not \"36501d\"");
    assert_refused(f,
                   load(f, "{\"instance\":\"x\",\"path\":\"good_options.so\","
                           "\"config\":{\"url\":\"u\",\"verbose\":\"yes\"}}"),
                   PT_EVALIDATION, "must be true or false");
    assert_refused(f,
                   load(f, "{\"instance\":\"x\",\"path\":\"good_options.so\","
                           "\"config\":{\"url\":\"u\",\"tags\":[\"a\",1]}}"),
                   PT_EVALIDATION,
                   "must be an array of strings, not an array with a number at [1]");
    /* Several problems: the first is the message, every one a field. */
    assert_refused(f,
                   load(f, "{\"instance\":\"x\",\"path\":\"good_options.so\","
                           "\"config\":{\"retries\":\"x\",\"bogus\":1}}"),
                   PT_EVALIDATION, "(and 2 more problems with the options)");
    assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(f->err.details, "fields")),
                     3);
}

/* The wait for a deliver() of the instance the entry makes (within least
 * and most). The instance is unloaded again: good_options serves a format,
 * which a second instance of it would clash on. */
static uint64_t wait_of(fx_t *f, const char *entry, uint64_t least, uint64_t most)
{
    assert_int_equal(load(f, entry), PT_OK);
    uint64_t ms = pt_notifier_wait_ms(pt_plugins_find(f->p, "w"), least, most);
    assert_int_equal(pt_plugins_unload(f->p, "w", 0, &f->err), PT_OK);
    return ms;
}

/* A reload or an unload waits for a deliver() in progress as long as the
 * instance's own `timeout` bounds it, and a margin, within the caller's
 * least and most; a plugin without such an option gets the least. */
static void the_wait_for_deliver_follows_the_instance_s_timeout(void **state)
{
    fx_t *f = *state;
    install(f, "good_lines", "good_lines.so");
    const char *dflt = "{\"instance\":\"w\",\"path\":\"good_options.so\","
                       "\"config\":{\"url\":\"http://a\"}}";
    const char *slow = "{\"instance\":\"w\",\"path\":\"good_options.so\","
                       "\"config\":{\"url\":\"http://a\",\"timeout\":\"1500ms\"}}";
    const char *hour = "{\"instance\":\"w\",\"path\":\"good_options.so\","
                       "\"config\":{\"url\":\"http://a\",\"timeout\":\"1h\"}}";
    /* The table's default, 10 s. */
    assert_int_equal(wait_of(f, dflt, 5000, 50000), 10000 + PT_DELIVER_WAIT_MARGIN_MS);
    assert_int_equal(wait_of(f, slow, 5000, 50000), 1500 + PT_DELIVER_WAIT_MARGIN_MS);
    assert_int_equal(wait_of(f, slow, 10000, 50000), 10000);
    assert_int_equal(wait_of(f, hour, 5000, 50000), 50000);
    assert_int_equal(wait_of(f, "{\"instance\":\"w\",\"path\":\"good_lines.so\"}", 5000, 50000),
                     5000);
}

/* A refused value is quoted with the option's help, as the plugin header
 * and docs/plugins.md promise: the operator who wrote it learns what the
 * option is for, not only what type it has. */
static void a_refused_value_is_quoted_with_the_options_help(void **state)
{
    fx_t *f = *state;
    assert_refused(f,
                   load(f, "{\"instance\":\"x\",\"path\":\"good_options.so\","
                           "\"config\":{\"url\":\"u\",\"retries\":\"3\"}}"),
                   PT_EVALIDATION,
                   "option \"retries\" of good_options must be an integer, not a string "
                   "(retries: how often to try)");
    assert_refused(f,
                   load(f, "{\"instance\":\"x\",\"path\":\"good_options.so\","
                           "\"config\":{\"url\":\"u\",\"timeout\":\"soon\"}}"),
                   PT_EVALIDATION, "not \"soon\" (timeout: how long to wait)");
    assert_refused(f,
                   load(f, "{\"instance\":\"x\",\"path\":\"good_options.so\","
                           "\"config\":{\"url\":\"u\",\"verbose\":\"yes\"}}"),
                   PT_EVALIDATION, "must be true or false, not a string (verbose: log more)");
    /* After a hint to paste, whole. */
    assert_refused(f,
                   load(f, "{\"instance\":\"x\",\"path\":\"good_options.so\","
                           "\"config\":{\"url\":7}}"),
                   PT_EVALIDATION, "--set 'url=\"7\"') (url: where to send things)");
    assert_refused(f,
                   load(f, "{\"instance\":\"x\",\"path\":\"good_options.so\","
                           "\"config\":{\"url\":\"u\",\"tags\":\"a\"}}"),
                   PT_EVALIDATION, "--set 'tags=[\"a\"]') (tags: labels)");
    /* Every problem's field carries it too. */
    assert_refused(f,
                   load(f, "{\"instance\":\"x\",\"path\":\"good_options.so\","
                           "\"config\":{\"url\":\"u\",\"retries\":\"x\",\"verbose\":1}}"),
                   PT_EVALIDATION, "(and 1 more problems with the options)");
    const cJSON *fields = cJSON_GetObjectItemCaseSensitive(f->err.details, "fields");
    const cJSON *second = cJSON_GetArrayItem(fields, 1);
    const char *msg = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(second, "message"));
    assert_non_null(msg);
    if (!strstr(msg, "(verbose: log more)"))
        fail_msg("field message \"%s\" lacks the help", msg);
}

/* A refused value says what is wrong with it where its JSON type alone
 * does not: a list with one element that is no string, a number with a
 * fraction, or an integer too large for an option (JSON numbers are
 * exact to 2^53, and the host keeps options as JSON). */
static void a_refused_value_says_what_is_wrong_with_it(void **state)
{
    fx_t *f = *state;
    assert_refused(f,
                   load(f, "{\"instance\":\"x\",\"path\":\"good_options.so\","
                           "\"config\":{\"url\":\"u\",\"tags\":[\"a\",1]}}"),
                   PT_EVALIDATION,
                   "option \"tags\" of good_options must be an array of strings, not an array "
                   "with a number at [1]");
    assert_refused(f,
                   load(f, "{\"instance\":\"x\",\"path\":\"good_options.so\","
                           "\"config\":{\"url\":\"u\",\"tags\":[\"a\",\"b\",null]}}"),
                   PT_EVALIDATION, "not an array with null at [2]");
    assert_refused(f,
                   load(f, "{\"instance\":\"x\",\"path\":\"good_options.so\","
                           "\"config\":{\"url\":\"u\",\"retries\":1.5}}"),
                   PT_EVALIDATION,
                   "option \"retries\" of good_options must be an integer, not 1.5");
    assert_refused(f,
                   load(f, "{\"instance\":\"x\",\"path\":\"good_options.so\","
                           "\"config\":{\"url\":\"u\",\"retries\":99999999999999999999}}"),
                   PT_EVALIDATION,
                   "must be an integer, not 1e+20 (an option's integer is at most "
                   "9007199254740992 either way)");
    /* 2^53 itself is taken. */
    assert_int_equal(load(f, "{\"instance\":\"big\",\"path\":\"good_options.so\","
                             "\"config\":{\"url\":\"u\",\"retries\":-9007199254740992}}"),
                     PT_OK);
}

/* The hint for one string where a list is wanted is a --set argument
 * that a shell takes back as the very value, whatever it holds: quotes,
 * a backslash, $ and backquotes, Chinese as it is. A value too long for
 * the message whole gets no hint to paste. */
static void a_list_hint_can_be_pasted_into_a_shell(void **state)
{
    fx_t *f = *state;
    const char *value = "it's \"ok\" $HOME `id` \\ 办公室";
    pt_buf_t body;
    pt_buf_init(&body);
    pt_buf_puts(&body, "{\"instance\":\"x\",\"path\":\"good_options.so\",\"config\":{\"url\":\"u\","
                       "\"tags\":");
    pt_buf_json_str(&body, value);
    pt_buf_puts(&body, "}}");
    assert_refused(f, load(f, body.data), PT_EVALIDATION,
                   "not a string (a list of one: [\"it's \\\"ok\\\" $HOME `id` \\\\ 办公室\"]; "
                   "with ptrack plugins load, --set 'tags=[\"it'\\''s \\\"ok\\\" $HOME `id` "
                   "\\\\ 办公室\"]')");
    pt_buf_free(&body);

    /* What a shell makes of the word is tags= and the list of the value. */
    const char *set = strstr(f->err.message, "--set ");
    assert_non_null(set);
    set += strlen("--set ");
    char cmd[600];
    /* The word ends before the ')' that the option's help follows. */
    const char *end = strstr(set, ") (tags: labels)");
    assert_non_null(end);
    snprintf(cmd, sizeof(cmd), "printf '%%s' %.*s", (int)(end - set), set);
    FILE *sh = popen(cmd, "r");
    assert_non_null(sh);
    char got[600];
    size_t n = fread(got, 1, sizeof(got) - 1, sh);
    got[n] = '\0';
    assert_int_equal(pclose(sh), 0);
    assert_memory_equal(got, "tags=", 5);
    cJSON *list = cJSON_Parse(got + 5);
    assert_true(cJSON_IsArray(list) && cJSON_GetArraySize(list) == 1);
    assert_string_equal(cJSON_GetArrayItem(list, 0)->valuestring, value);
    cJSON_Delete(list);

    char config[700];
    snprintf(config, sizeof(config),
             "{\"instance\":\"x\",\"path\":\"good_options.so\",\"config\":{\"url\":\"u\","
             "\"tags\":\"%0300d\"}}",
             0);
    assert_refused(f, load(f, config), PT_EVALIDATION,
                   "not a string (a list of one: the string in [ and ])");
    assert_null(strstr(f->err.message, "--set"));
}

/* A refusal quotes what the value is as GET /v1/plugins shows it: a URL
 * given where a list or a duration is wanted keeps its password and its
 * key out of the message (and the log). */
static void a_refused_url_is_quoted_without_credentials(void **state)
{
    fx_t *f = *state;
    assert_refused(f,
                   load(f, "{\"instance\":\"x\",\"path\":\"good_options.so\",\"config\":{"
                           "\"url\":\"u\",\"tags\":\"https://bot:pw-7@h/send?key=kk-7\"}}"),
                   PT_EVALIDATION, "not a string (a list of one: the string in [ and ])");
    assert_refused(f,
                   load(f, "{\"instance\":\"x\",\"path\":\"good_options.so\",\"config\":{"
                           "\"url\":\"u\",\"timeout\":\"https://bot:pw-7@h/send?key=kk-7\"}}"),
                   PT_EVALIDATION, "not \"https://bot:********@h/send?key=********\"");
    char *details = cJSON_PrintUnformatted(f->err.details);
    if (strstr(details, "pw-7") || strstr(details, "kk-7"))
        fail_msg("the refusal quotes a credential: %s", details);
    free(details);
}

static void entry_refusals_name_the_key(void **state)
{
    fx_t *f = *state;
    assert_refused(f, load(f, "{\"instance\":\"x\",\"paht\":\"good_options.so\"}"), PT_EVALIDATION,
                   "paht: unknown key");
    assert_refused(f, load(f, "{\"instance\":\"a b\",\"path\":\"good_options.so\"}"),
                   PT_EVALIDATION, "instance: a name has 1 to 64 ASCII letters, digits, _ and -");
    assert_string_equal(first_field(f), "instance");
    assert_refused(f, load(f, "{\"path\":\"good_options.so\"}"), PT_EVALIDATION,
                   "instance: is required");
    assert_refused(f, load(f, "{\"instance\":\"x\"}"), PT_EVALIDATION, "path: is required");
    assert_refused(f, load(f, "{\"instance\":\"x\",\"path\":\"good_options.so\",\"config\":[]}"),
                   PT_EVALIDATION, "config: expected an object");
    assert_refused(f, load(f, "[]"), PT_EVALIDATION, "expected a plugin object");
    assert_refused(f,
                   load(f, "{\"instance\":\"x\",\"path\":\"good_options.so\","
                           "\"events\":[\"proposal.*\"],\"config\":{\"url\":\"u\"}}"),
                   PT_EVALIDATION, "good_options is not a notifier");
    assert_refused(f,
                   load(f, "{\"instance\":\"x\",\"path\":\"good_options.so\","
                           "\"events\":[\"pro*posal\"],\"config\":{\"url\":\"u\"}}"),
                   PT_EVALIDATION, "events[0]");
}

static void a_failing_create_is_refused_with_its_reason(void **state)
{
    fx_t *f = *state;
    install(f, "bad_create", "bad_create.so");
    assert_refused(f, load(f, "{\"instance\":\"c\",\"path\":\"bad_create.so\"}"), PT_EVALIDATION,
                   "create failed: cannot reach the fixture's server (as designed)");
    /* A 422 has fields (api.md): the options are what create() judged. */
    assert_string_equal(first_field(f), "config");
    const cJSON *fields = cJSON_GetObjectItemCaseSensitive(f->err.details, "fields");
    assert_int_equal(cJSON_GetArraySize(fields), 1);
    assert_non_null(strstr(
        cJSON_GetObjectItemCaseSensitive(cJSON_GetArrayItem(fields, 0), "message")->valuestring,
        "create failed: cannot reach the fixture's server"));
}

/* A descriptor's text that is not UTF-8, or holds control characters, is
 * shown with '?' and spaces: the name is in every log line that speaks of
 * the plugin, and GET /v1/plugins answers valid UTF-8. */
static void a_descriptor_s_text_is_made_fit_to_show(void **state)
{
    fx_t *f = *state;
    install(f, "bad_text", "bad_text.so");
    assert_int_equal(load(f, "{\"instance\":\"t\",\"path\":\"bad_text.so\"}"), PT_OK);
    const pt_instance_t *t = pt_plugins_find(f->p, "t");
    assert_non_null(t);
    assert_string_equal(t->file->desc->name, "oa? 报表");
    assert_string_equal(t->file->desc->version, "1.0?");
    assert_string_equal(t->file->desc->description, " [31mred [0m");
    cJSON *list = pt_plugins_list(f->p);
    char *text = cJSON_PrintUnformatted(list);
    assert_true(pt_utf8_valid(text, strlen(text)));
    assert_non_null(strstr(text, "\"help\":\"?? the separator\\nof fields\""));
    cJSON_free(text);
    cJSON_Delete(list);
}

/* A create() that fails without logging is refused with the code it
 * returned: 1 (a plugin that took 1 for success) is pointed at. */
static void a_failing_create_without_a_reason_is_named_by_its_code(void **state)
{
    fx_t *f = *state;
    install(f, "bad_create", "bad_create.so");
    assert_refused(
        f, load(f, "{\"instance\":\"c\",\"path\":\"bad_create.so\",\"config\":{\"quiet\":true}}"),
        PT_EVALIDATION, "create failed: it returned -1 (PTRACK_ERROR) and logged no reason");
    assert_refused(f,
                   load(f, "{\"instance\":\"c\",\"path\":\"bad_create.so\",\"config\":{"
                           "\"quiet\":true,\"code\":1}}"),
                   PT_EVALIDATION,
                   "create failed: it returned 1 (an unknown code) and logged no reason; create() "
                   "returns PTRACK_OK (0) when it succeeds");
    assert_refused(f,
                   load(f, "{\"instance\":\"c\",\"path\":\"bad_create.so\",\"config\":{"
                           "\"quiet\":true,\"code\":-4}}"),
                   PT_EVALIDATION, "it returned -4 (PTRACK_ENOMEM) and logged no reason");
}

/* What is written to stderr between log_capture_start and log_capture_end,
 * which restores stderr and returns it, NUL-terminated in buf (size bytes),
 * and its length: there must be some. */
typedef struct {
    char path[32];
    int fd, saved;
} log_capture_t;

static void log_capture_start(log_capture_t *c)
{
    snprintf(c->path, sizeof(c->path), "/tmp/ptlog.XXXXXX");
    c->fd = mkstemp(c->path);
    assert_true(c->fd >= 0);
    c->saved = dup(STDERR_FILENO);
    assert_true(c->saved >= 0);
    assert_int_equal(dup2(c->fd, STDERR_FILENO), STDERR_FILENO);
}

static ssize_t log_capture_end(log_capture_t *c, char *buf, size_t size)
{
    dup2(c->saved, STDERR_FILENO);
    close(c->saved);
    ssize_t n = pread(c->fd, buf, size - 1, 0);
    close(c->fd);
    unlink(c->path);
    assert_true(n > 0);
    buf[n] = '\0';
    return n;
}

/* What a plugin logs is written to ptrackd's stderr, on one line, and as
 * valid UTF-8: bytes that are not (a plugin reading a GBK file, a cut
 * string) are replaced, and the Chinese around them kept. */
static void plugin_log_lines_are_valid_utf8(void **state)
{
    fx_t *f = *state;
    assert_int_equal(load(f, "{\"instance\":\"o\",\"path\":\"good_options.so\","
                             "\"config\":{\"url\":\"http://o\"}}"),
                     PT_OK);
    pt_instance_t *o = pt_plugins_find(f->p, "o");
    log_capture_t cap;
    log_capture_start(&cap);
    char reason[128];
    pt_plugin_host_capture(o, reason, sizeof(reason));
    /* GBK for 办理, a lone continuation byte, a cut 中 (E4 B8 AD), a
     * newline, then 完毕 and a tab, which becomes a space as plugin.h says
     * of every control character. */
    pt_plugin_host.log(o, PTRACK_LOG_WARN, "行 %d: \xb0\xec\xc0\xed \x80 \xe4\xb8\n完毕\t第二列",
                       7);
    pt_plugin_host_capture(NULL, NULL, 0);
    char text[4096];
    ssize_t n = log_capture_end(&cap, text, sizeof(text));
    if (!pt_utf8_valid(text, (size_t)n))
        fail_msg("the log line is not valid UTF-8: %s", text);
    if (!strstr(text, "[o] 行 7: ???? ? ?? 完毕 第二列\n"))
        fail_msg("the log line lost its text or its bytes were not replaced: %s", text);
    assert_int_equal(strchr(text, '\n') - text, n - 1); /* one line */
    /* What create()'s refusal would quote is the same text. */
    assert_true(pt_utf8_valid(reason, strlen(reason)));
    assert_string_equal(reason, "行 7: ???? ? ?? 完毕 第二列");
}

/* An option getter for a key the table does not declare, or of another
 * type than the table's, keeps the plugin's default: it is logged, naming
 * the plugin, the instance, the getter and the key, once per instance. */
static void a_misread_option_is_logged_once(void **state)
{
    fx_t *f = *state;
    assert_int_equal(load(f, "{\"instance\":\"o\",\"path\":\"good_options.so\","
                             "\"config\":{\"url\":\"http://o\",\"timeout\":\"2s\"}}"),
                     PT_OK);
    pt_instance_t *o = pt_plugins_find(f->p, "o");
    log_capture_t cap;
    log_capture_start(&cap);
    int64_t v = 7;
    assert_int_equal(pt_plugin_host.opt_int(o, "timout", &v), PTRACK_ENOTFOUND);
    assert_int_equal(pt_plugin_host.opt_int(o, "timeout", &v), PTRACK_EINVAL);
    assert_int_equal(v, 7);
    assert_int_equal(pt_plugin_host.opt_duration(o, "timeout", &v), PTRACK_OK);
    assert_int_equal(v, 2000);
    const char *text = NULL;
    assert_int_equal(pt_plugin_host.opt_string(o, "timeout", &text), PTRACK_OK);
    assert_string_equal(text, "2s");
    char log[4096];
    log_capture_end(&cap, log, sizeof(log));
    if (!strstr(log, "plugin good_options (instance o) called opt_int(\"timout\"), which its "
                     "option table does not declare: it returns PTRACK_ENOTFOUND"))
        fail_msg("the misspelt key was not logged: %s", log);
    if (strstr(log, "called opt_int(\"timeout\")"))
        fail_msg("the misuse was logged more than once: %s", log);
}

/* The other misuse, alone, on another instance. */
static void an_option_read_as_another_type_is_logged(void **state)
{
    fx_t *f = *state;
    assert_int_equal(load(f, "{\"instance\":\"o\",\"path\":\"good_options.so\","
                             "\"config\":{\"url\":\"http://o\"}}"),
                     PT_OK);
    pt_instance_t *o = pt_plugins_find(f->p, "o");
    log_capture_t cap;
    log_capture_start(&cap);
    int b = 0;
    assert_int_equal(pt_plugin_host.opt_bool(o, "retries", &b), PTRACK_EINVAL);
    char log[4096];
    log_capture_end(&cap, log, sizeof(log));
    if (!strstr(log, "plugin good_options (instance o) called opt_bool(\"retries\"), which its "
                     "option table declares as int: it returns PTRACK_EINVAL"))
        fail_msg("the misread type was not logged: %s", log);
}

static void vformat(char *buf, size_t size, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void vformat(char *buf, size_t size, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    pt_plugin_vformat(buf, size, fmt, ap);
    va_end(ap);
}

/* A plugin's text longer than the host keeps (set_error's 511 bytes) is
 * cut on a character's boundary and ends in "…": cut mid-character, the
 * rest of the character would be shown as '?'. */
static void a_long_plugin_text_is_cut_on_a_character_boundary(void **state)
{
    (void)state;
    char x[506], msg[512];
    memset(x, 'x', 505);
    x[505] = '\0';
    /* 中 is bytes 505-507 and 文 508-510, then 中 511-513, which 511
     * bytes and a NUL cut; "…" takes 3 bytes, after 中. */
    vformat(msg, sizeof(msg), "%s中文中文中文中文", x);
    assert_true(pt_utf8_valid(msg, strlen(msg)));
    assert_int_equal(pt_utf8_scrub(msg), 0);
    assert_int_equal(strncmp(msg, x, 505), 0);
    assert_string_equal(msg + 505, "中…");
    /* One byte more before them, and 中 no longer fits before "…". */
    vformat(msg, sizeof(msg), "x%s中文中文中文中文", x);
    assert_int_equal(pt_utf8_scrub(msg), 0);
    assert_string_equal(msg + 506, "…");
    /* A text that fits is kept whole, 511 bytes included. */
    vformat(msg, sizeof(msg), "%s中文", x);
    assert_int_equal(strlen(msg), 511);
    assert_string_equal(msg + 505, "中文");
    vformat(msg, sizeof(msg), "行 %d", 7);
    assert_string_equal(msg, "行 7");
}

static void lookups_by_format_and_reload(void **state)
{
    fx_t *f = *state;
    install(f, "good_lines", "good_lines.so");
    install(f, "import_jsonl", "import_jsonl.so");
    assert_int_equal(load(f, "{\"instance\":\"lines\",\"path\":\"good_lines.so\"}"), PT_OK);
    assert_int_equal(load(f, "{\"instance\":\"o\",\"path\":\"good_options.so\","
                             "\"config\":{\"url\":\"u\"}}"),
                     PT_OK);
    pt_instance_t *lines = pt_plugins_find(f->p, "lines");
    assert_ptr_equal(pt_plugins_importer(f->p, "fixture-lines"), lines);
    assert_ptr_equal(pt_plugins_exporter(f->p, "fixture-lines"), lines);

    /* "lines" unchanged (kept, the very same instance), "o" changed, "n"
     * new; and one bad entry counted as a failure. */
    cJSON *entries =
        cJSON_Parse("[{\"instance\":\"lines\",\"path\":\"good_lines.so\"},"
                    " {\"instance\":\"o\",\"path\":\"good_options.so\",\"config\":{\"url\":\"v\"}},"
                    " {\"instance\":\"n\",\"path\":\"import_jsonl.so\"},"
                    " {\"instance\":\"bad\",\"path\":\"good_options.so\",\"config\":{}}]");
    assert_int_equal(pt_plugins_reload(f->p, entries, NULL), 1);
    assert_ptr_equal(pt_plugins_find(f->p, "lines"), lines);
    const char *url;
    pt_plugin_host.opt_string(pt_plugins_find(f->p, "o"), "url", &url);
    assert_string_equal(url, "v");
    assert_non_null(pt_plugins_find(f->p, "n"));
    assert_null(pt_plugins_find(f->p, "bad"));
    cJSON_Delete(entries);

    /* An empty list unloads everything. */
    entries = cJSON_CreateArray();
    assert_int_equal(pt_plugins_reload(f->p, entries, NULL), 0);
    cJSON_Delete(entries);
    assert_int_equal(loaded(f), 0);
}

/* A change made before another's change is refused is judged again
 * against the formats the refused one keeps: b may not take "slow" from a
 * when a goes on as it was. */
static void a_change_that_would_share_a_format_kept_by_a_refused_change_is_not_made(void **state)
{
    fx_t *f = *state;
    install(f, "import_slow", "import_slow.so");
    install(f, "good_lines", "good_lines.so");
    /* b first: the reload makes its change before a's. */
    assert_int_equal(load(f, "{\"instance\":\"b\",\"path\":\"good_lines.so\"}"), PT_OK);
    assert_int_equal(load(f, "{\"instance\":\"a\",\"path\":\"import_slow.so\","
                             "\"config\":{\"count\":5}}"),
                     PT_OK);
    pt_instance_t *a = pt_plugins_find(f->p, "a"), *b = pt_plugins_find(f->p, "b");
    assert_int_equal(
        reload(f,
               "[{\"instance\":\"b\",\"path\":\"import_slow.so\",\"config\":{\"count\":3}},"
               " {\"instance\":\"a\",\"path\":\"import_slow.so\",\"config\":{\"count\":-1}}]",
               "[]"),
        2);
    assert_ptr_equal(pt_plugins_find(f->p, "a"), a);
    assert_ptr_equal(pt_plugins_find(f->p, "b"), b);
    assert_ptr_equal(pt_plugins_importer(f->p, "slow"), a);
    assert_ptr_equal(pt_plugins_importer(f->p, "fixture-lines"), b);
    cJSON *failed = pt_plugins_failed(f->p);
    char *text = cJSON_PrintUnformatted(failed);
    if (!strstr(text, "{\"instance\":\"b\",\"error\":\"its new entry would import the format "
                      "\\\"slow\\\", which instance a imports\"}"))
        fail_msg("failed: %s", text);
    cJSON_free(text);
    cJSON_Delete(failed);
}

/* A reload whose changed entry the plugin's create() refuses keeps the
 * running instance with its earlier entry, and says so; a later reload
 * that fixes the entry changes it. */
static void a_changed_entry_that_create_refuses_keeps_the_running_instance(void **state)
{
    fx_t *f = *state;
    install(f, "import_slow", "import_slow.so");
    assert_int_equal(load(f, "{\"instance\":\"s\",\"path\":\"import_slow.so\","
                             "\"config\":{\"count\":5}}"),
                     PT_OK);
    pt_instance_t *running = pt_plugins_find(f->p, "s");
    assert_int_equal(
        reload(f, "[{\"instance\":\"s\",\"path\":\"import_slow.so\",\"config\":{\"count\":-1}}]",
               "[]"),
        1);
    assert_ptr_equal(pt_plugins_find(f->p, "s"), running);
    int64_t count;
    assert_int_equal(pt_plugin_host.opt_int(running, "count", &count), PTRACK_OK);
    assert_int_equal(count, 5);
    assert_ptr_equal(pt_plugins_importer(f->p, "slow"), running);
    cJSON *failed = pt_plugins_failed(f->p);
    char *text = cJSON_PrintUnformatted(failed);
    if (!strstr(text, "{\"instance\":\"s\",\"error\":\"plugin import_slow refused to create "
                      "instance \\\"s\\\": create failed: count must not be negative\"}"))
        fail_msg("failed: %s", text);
    cJSON_free(text);
    cJSON_Delete(failed);

    assert_int_equal(
        reload(f, "[{\"instance\":\"s\",\"path\":\"import_slow.so\",\"config\":{\"count\":7}}]",
               "[]"),
        0);
    assert_int_equal(pt_plugin_host.opt_int(pt_plugins_find(f->p, "s"), "count", &count),
                     PTRACK_OK);
    assert_int_equal(count, 7);
    failed = pt_plugins_failed(f->p);
    assert_int_equal(cJSON_GetArraySize(failed), 0);
    cJSON_Delete(failed);

    /* A check with create() finds what only the plugin can judge. */
    cJSON *entries = cJSON_Parse("[{\"instance\":\"t\",\"path\":\"import_slow.so\","
                                 "\"config\":{\"count\":-2}}]");
    assert_int_equal(pt_plugins_check(f->p, entries, false, &f->err), PT_OK);
    assert_int_equal(pt_plugins_check(f->p, entries, true, &f->err), PT_EVALIDATION);
    assert_non_null(strstr(f->err.message, "plugin instance t: plugin import_slow refused to "
                                           "create instance \"t\": create failed: count must "
                                           "not be negative"));
    cJSON_Delete(entries);
    assert_int_equal(loaded(f), 1);
}

/* How many times the fixture slow_create was loaded (its constructor
 * appends a line to PT_FIXTURE_LOADS for each). */
static int loads_of(const char *path)
{
    FILE *in = fopen(path, "r");
    int n = 0, c;
    while (in && (c = fgetc(in)) != EOF)
        n += c == '\n';
    if (in)
        fclose(in);
    return n;
}

/* A check that keeps its files (a start's, a SIGHUP's) hands them to what
 * opens them next, the loads that follow (a second check here: the
 * fixture is a notifier, which needs a store to load): a file is
 * dlopened, and its constructors run, once. Files kept are closed when
 * the keeping ends, or with the registry. */
static void a_check_keeps_its_files_for_the_load(void **state)
{
    fx_t *f = *state;
    install(f, "slow_create", "slow.so");
    char counted[128];
    snprintf(counted, sizeof(counted), "%s/loads", f->dir);
    setenv("PT_FIXTURE_LOADS", counted, 1);
    cJSON *entries = cJSON_Parse("[{\"instance\":\"a\",\"path\":\"slow.so\"},"
                                 "{\"instance\":\"b\",\"path\":\"slow.so\"}]");
    assert_non_null(entries);

    /* Not kept (--check-config's): each check opens the file anew. */
    assert_int_equal(pt_plugins_check(f->p, entries, false, &f->err), PT_OK);
    assert_int_equal(loads_of(counted), 1);
    assert_int_equal(pt_plugins_check(f->p, entries, false, &f->err), PT_OK);
    assert_int_equal(loads_of(counted), 2);

    /* Kept: what comes next shares it. */
    pt_plugins_keep_checked(f->p, true);
    assert_int_equal(pt_plugins_check(f->p, entries, false, &f->err), PT_OK);
    assert_int_equal(pt_plugins_check(f->p, entries, false, &f->err), PT_OK);
    assert_int_equal(loads_of(counted), 3);

    /* Closed when the keeping ends. */
    pt_plugins_keep_checked(f->p, false);
    assert_int_equal(pt_plugins_check(f->p, entries, false, &f->err), PT_OK);
    assert_int_equal(loads_of(counted), 4);

    /* Kept when the registry is freed (a refused start): closed then. */
    pt_plugins_keep_checked(f->p, true);
    assert_int_equal(pt_plugins_check(f->p, entries, false, &f->err), PT_OK);
    assert_int_equal(loaded(f), 0);
    cJSON_Delete(entries);
    unsetenv("PT_FIXTURE_LOADS");
}

static void config_checks_plugin_entries(void **state)
{
    (void)state;
    static const struct {
        const char *json;
        const char *message;
    } cases[] = {
        {"{\"plugins\":[{\"instance\":\"a\",\"path\":\"p.so\",\"extra\":1}]}",
         "plugins[0].extra: unknown key"},
        {"{\"plugins\":[{\"instance\":\"a\"}]}", "plugins[0].path: is required"},
        {"{\"plugins\":[{\"instance\":\"\",\"path\":\"p.so\"}]}", "plugins[0].instance: a name"},
        {"{\"plugins\":[{\"instance\":\"a\",\"path\":\"p.so\",\"config\":1}]}",
         "plugins[0].config: expected an object"},
        {"{\"plugins\":[{\"instance\":\"a\",\"path\":\"p.so\",\"events\":\"x\"}]}",
         "plugins[0].events: expected an array"},
        {"{\"plugins\":[{\"instance\":\"a\",\"path\":\"p.so\",\"events\":[],"
         "\"config\":{\"events\":[]}}]}",
         "plugins[0].config.events: events is given twice"},
        {"{\"plugins\":[{\"instance\":\"a\",\"path\":\"p.so\"},{\"instance\":\"a\",\"path\":\"q\"}]"
         "}",
         "plugins[1].instance: \"a\" is already plugins[0]'s name"},
        {"{\"plugin_dir\": 3}", "plugin_dir: expected"},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        pt_config_t c;
        pt_error_t err = {0};
        pt_config_init(&c);
        assert_int_equal(pt_config_load_json(&c, cases[i].json, strlen(cases[i].json), &err),
                         PT_ECONFIG);
        if (!strstr(err.message, cases[i].message))
            fail_msg("case %zu: \"%s\" lacks \"%s\"", i, err.message, cases[i].message);
        pt_error_clear(&err);
        pt_config_free(&c);
    }
    pt_config_t c;
    pt_error_t err = {0};
    pt_config_init(&c);
    const char *ok = "{\"plugin_dir\":\"/opt/p\",\"plugins\":[{\"instance\":\"wecom\","
                     "\"path\":\"notify_webhook.so\",\"events\":[\"proposal.*\",\"*\"],"
                     "\"config\":{\"url\":\"http://x\"}}]}";
    assert_int_equal(pt_config_load_json(&c, ok, strlen(ok), &err), 0);
    assert_string_equal(c.plugin_dir, "/opt/p");
    assert_int_equal(cJSON_GetArraySize(c.plugins), 1);
    pt_config_free(&c);
}

int main(void)
{
    char exe[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
    if (n <= 0)
        return 1;
    exe[n] = '\0';
    snprintf(fixtures, sizeof(fixtures), "%s/plugins", dirname(exe));
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(a_good_plugin_loads_with_its_defaults, setup, teardown),
        cmocka_unit_test_setup_teardown(the_wait_for_deliver_follows_the_instance_s_timeout, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(a_refused_value_is_quoted_with_the_options_help, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(a_secret_option_is_read_but_never_shown, setup, teardown),
        cmocka_unit_test_setup_teardown(a_refused_secret_is_not_quoted, setup, teardown),
        cmocka_unit_test_setup_teardown(
            an_option_url_is_read_as_it_is_but_shown_without_credentials, setup, teardown),
        cmocka_unit_test_setup_teardown(a_refused_value_says_what_is_wrong_with_it, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(two_instances_of_one_file_share_it, setup, teardown),
        cmocka_unit_test_setup_teardown(
            a_reload_judges_the_file_by_content_and_by_what_a_load_refuses, setup, teardown),
        cmocka_unit_test_setup_teardown(a_second_instance_of_a_format_is_refused_naming_both, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(
            an_office_instance_takes_a_builtin_format_whatever_the_order, setup, teardown),
        cmocka_unit_test_setup_teardown(a_config_with_two_instances_of_a_format_is_refused, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(a_taken_name_is_a_conflict, setup, teardown),
        cmocka_unit_test_setup_teardown(abi_and_descriptor_refusals_name_the_reason, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(an_option_key_with_control_characters_is_shown_escaped,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(a_plugin_s_texts_with_control_characters_are_shown_escaped,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(a_bad_option_is_refused_naming_only_what_is_wrong, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(ops_too_small_are_refused_without_reading_past_their_size,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(declared_job_args_are_kept_and_a_1_0_plugin_has_none, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(file_refusals_name_the_reason, setup, teardown),
        cmocka_unit_test_setup_teardown(a_plugin_directory_others_may_write_to_is_refused, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(option_refusals_name_the_option, setup, teardown),
        cmocka_unit_test_setup_teardown(a_list_hint_can_be_pasted_into_a_shell, setup, teardown),
        cmocka_unit_test_setup_teardown(a_refused_url_is_quoted_without_credentials, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(entry_refusals_name_the_key, setup, teardown),
        cmocka_unit_test_setup_teardown(a_failing_create_is_refused_with_its_reason, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(a_failing_create_without_a_reason_is_named_by_its_code,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(a_descriptor_s_text_is_made_fit_to_show, setup, teardown),
        cmocka_unit_test_setup_teardown(plugin_log_lines_are_valid_utf8, setup, teardown),
        cmocka_unit_test_setup_teardown(a_misread_option_is_logged_once, setup, teardown),
        cmocka_unit_test_setup_teardown(an_option_read_as_another_type_is_logged, setup, teardown),
        cmocka_unit_test(a_long_plugin_text_is_cut_on_a_character_boundary),
        cmocka_unit_test_setup_teardown(lookups_by_format_and_reload, setup, teardown),
        cmocka_unit_test_setup_teardown(
            a_changed_entry_that_create_refuses_keeps_the_running_instance, setup, teardown),
        cmocka_unit_test_setup_teardown(
            a_change_that_would_share_a_format_kept_by_a_refused_change_is_not_made, setup,
            teardown),
        cmocka_unit_test_setup_teardown(a_check_keeps_its_files_for_the_load, setup, teardown),
        cmocka_unit_test(config_checks_plugin_entries),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
