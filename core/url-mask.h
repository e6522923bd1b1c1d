/*
 * url-mask.h - a URL as the host may show it: the credentials in it (the
 * password of the userinfo, the values of query parameters named like a
 * key, the path segments that hold a robot's key) replaced by a mask,
 * everything else as it was. For the plugin options that GET /v1/plugins
 * shows: a robot's webhook holds its key in the query or the path, an
 * SMTP URL its password.
 */
#ifndef PT_URL_MASK_H
#define PT_URL_MASK_H

/* What stands in place of each credential: the mask of a secret option. */
#define PT_URL_MASK "********"

/* A copy of text with the credentials of the URL it is masked: in
 * "scheme://user:password@host/path?key=v&a=b#frag" the password and the
 * value of each query parameter whose name (percent-decoded, in any case,
 * '_' and '-' left out) is one of key, accesstoken, token, secret, sign,
 * signature, password, passwd, pwd, apikey, clientsecret, appsecret,
 * authtoken, bottoken, secretkey, privatekey; each path segment after a
 * segment "hook", "hooks" or "webhooks" (Feishu, Lark, Discord,
 * Mattermost), or after "services" on hooks.slack.com, and the key of a
 * segment "bot<digits>:<key>" (Telegram). The user name, the host, the
 * rest of the path, the other parameters and the fragment stay byte for
 * byte; an empty password, value or segment stays empty. Text that does not start
 * with "scheme://" is copied as it is. NULL when memory runs out.
 * Thread: any. Ownership: the caller frees the copy. */
char *pt_url_mask(const char *text);

#endif
