/*
 * notify-curl.c - the libcurl handling shared by notify_email and
 * notify_webhook (see notify-curl.h).
 */
#include "notify-curl.h"

int pt_curl_global_init(const ptrack_host_t *host, ptrack_instance_t *inst)
{
    if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
        host->log(inst, PTRACK_LOG_ERROR, "libcurl failed to initialise");
        return PTRACK_ERROR;
    }
    return PTRACK_OK;
}

void pt_curl_close(pt_curl_t *cu)
{
    if (cu->handle)
        curl_easy_cleanup(cu->handle);
    cu->handle = NULL;
    curl_global_cleanup();
}

void pt_curl_forget(pt_curl_t *cu)
{
    if (cu->handle)
        curl_easy_cleanup(cu->handle);
    cu->handle = NULL;
}

CURL *pt_curl_handle(pt_curl_t *cu, const ptrack_host_t *host, ptrack_instance_t *inst)
{
    if (!cu->handle && !(cu->handle = curl_easy_init())) {
        host->log(inst, PTRACK_LOG_WARN, "cannot make a curl handle (out of memory?)");
        return NULL;
    }
    /* The options are set afresh for each request. */
    curl_easy_reset(cu->handle);
    return cu->handle;
}

void pt_curl_setup(pt_curl_t *cu, const char *url, const char *protocols, long protocol_bits,
                   int64_t timeout_ms)
{
    CURL *c = cu->handle;
    cu->error[0] = '\0';
    curl_easy_setopt(c, CURLOPT_URL, url);
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
#if LIBCURL_VERSION_NUM >= 0x075500
    (void)protocol_bits;
    curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, protocols);
#else
    (void)protocols;
    curl_easy_setopt(c, CURLOPT_PROTOCOLS, protocol_bits);
#endif
    curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, (long)timeout_ms);
    curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, (long)timeout_ms);
    curl_easy_setopt(c, CURLOPT_ERRORBUFFER, cu->error);
}

const char *pt_curl_why(const pt_curl_t *cu, CURLcode cc)
{
    return cu->error[0] ? cu->error : curl_easy_strerror(cc);
}

bool pt_curl_list_add(struct curl_slist **list, const char *text)
{
    struct curl_slist *l = curl_slist_append(*list, text);
    if (!l)
        return false;
    *list = l;
    return true;
}
