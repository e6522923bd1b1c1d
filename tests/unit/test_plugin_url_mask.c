/*
 * test_plugin_url_mask.c - what GET /v1/plugins shows of a plugin option
 * that holds a URL (core/url-mask.c): the password of its userinfo and
 * the values of its query parameters named like a credential and the
 * path segments that hold a robot's key are masked,
 * the user name, the host (an IPv6 one too), the path, the other
 * parameters and the fragment stay byte for byte, Chinese and
 * percent-encoding included; a text that is no URL stays as it is.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "url-mask.h"

static const struct {
    const char *given, *shown;
} cases[] = {
    /* The robots of WeCom and DingTalk, and an SMTP login. */
    {"https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=693a91f6-7xxx",
     "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=********"},
    {"https://oapi.dingtalk.com/robot/send?access_token=5c0e1f",
     "https://oapi.dingtalk.com/robot/send?access_token=********"},
    {"smtp://office:app-口令@smtp.example.org:587", "smtp://office:********@smtp.example.org:587"},
    {"smtps://office%40gov.cn:p%40ss@mail.example.org/",
     "smtps://office%40gov.cn:********@mail.example.org/"},
    /* A password with an unencoded '@': the host is after the last. */
    {"smtp://office:p@ss@host:25", "smtp://office:********@host:25"},
    /* A user name alone, or an empty password: nothing to hide. */
    {"smtp://office@host:25", "smtp://office@host:25"},
    {"smtp://office:@host:25", "smtp://office:@host:25"},
    /* The names in any case and percent-encoded; the other parameters,
     * repeated ones and their order kept. */
    {"http://h/p?Token=a&TOKEN=b&x=1&sign=c&timestamp=2&Signature=d&Api_Key=e&%6Bey=f",
     "http://h/p?Token=********&TOKEN=********&x=1&sign=********&timestamp=2&"
     "Signature=********&Api_Key=********&%6Bey=********"},
    {"http://h/?secret=s&password=p&passwd=q&pwd=r&apikey=t&api_key=u&api-key=v&client_secret=w",
     "http://h/?secret=********&password=********&passwd=********&pwd=********&apikey=********&"
     "api_key=********&api-key=********&client_secret=********"},
    {"http://h/?key=a&key=b&key=", "http://h/?key=********&key=********&key="},
    /* The names with '_' or '-' left out, in any case. */
    {"http://h/?accessToken=a&Access-Token=b&auth_token=c&app_secret=d&AppSecret=e&secret_key=f",
     "http://h/?accessToken=********&Access-Token=********&auth_token=********&"
     "app_secret=********&AppSecret=********&secret_key=********"},
    {"http://h/?client-secret=a&bot_token=b&private_key=c&api__key=d",
     "http://h/?client-secret=********&bot_token=********&private_key=********&api__key=********"},
    /* A robot's key in the path: Feishu's and Lark's hook, Discord's
     * webhooks, Mattermost's hooks, Slack's services, Telegram's bot. */
    {"https://open.feishu.cn/open-apis/bot/v2/hook/5a0e1f2c-7xxx-4b1e",
     "https://open.feishu.cn/open-apis/bot/v2/hook/********"},
    {"https://open.larksuite.com/open-apis/bot/v2/HOOK/abc?x=1#f",
     "https://open.larksuite.com/open-apis/bot/v2/HOOK/********?x=1#f"},
    {"https://discord.com/api/webhooks/1234/abcDEF/",
     "https://discord.com/api/webhooks/********/********/"},
    {"https://chat.example.org/hooks/xyz", "https://chat.example.org/hooks/********"},
    {"https://chat.example.org/hooks//xyz", "https://chat.example.org/hooks//********"},
    {"https://hooks.slack.com/services/T000/B000/XXXX",
     "https://hooks.slack.com/services/********/********/********"},
    {"https://u:pw@Hooks.Slack.com.:443/services/T/B/X",
     "https://u:********@Hooks.Slack.com.:443/services/********/********/********"},
    {"https://api.telegram.org/bot123456:ABC-DEF/sendMessage?chat_id=1",
     "https://api.telegram.org/bot123456:********/sendMessage?chat_id=1"},
    /* Segments only like those stay: another host's services, WeCom's
     * webhook (its key is in the query), a hook with nothing after it, a
     * bot segment without the digits of its id. */
    {"https://example.org/services/a/b", "https://example.org/services/a/b"},
    {"https://h/hook/", "https://h/hook/"},
    {"https://h/hooked/abc", "https://h/hooked/abc"},
    {"https://h/botany:x/bot:y/bot1:/", "https://h/botany:x/bot:y/bot1:/"},
    /* A name that only holds one of the names is not one. */
    {"http://h/?keyword=k&monkey=m&tokens=t", "http://h/?keyword=k&monkey=m&tokens=t"},
    /* Chinese and percent-encoding in the path and the query. */
    {"https://例子.中国/通知/发送?部门=办公厅&key=密钥&q=%E5%BB%BA%E8%AE%AE",
     "https://例子.中国/通知/发送?部门=办公厅&key=********&q=%E5%BB%BA%E8%AE%AE"},
    {"https://h/a%2Fb?token=a%26b%3Dc&n=1", "https://h/a%2Fb?token=********&n=1"},
    /* The fragment ends the query and is kept as it is. */
    {"https://h/p?key=abc#part", "https://h/p?key=********#part"},
    {"https://h/p#key=abc", "https://h/p#key=abc"},
    {"https://u:pw@h/p?a=1#f", "https://u:********@h/p?a=1#f"},
    /* '?' with no '=', an empty query, a name with no value. */
    {"https://h/send?key", "https://h/send?key"},
    {"https://h/send?", "https://h/send?"},
    {"https://h/send?&&key&token=t&", "https://h/send?&&key&token=********&"},
    /* IPv6 hosts. */
    {"http://[::1]:8080/", "http://[::1]:8080/"},
    {"http://u:pw@[::1]:8080/hook?key=k", "http://u:********@[::1]:8080/hook?key=********"},
    {"http://[fe80::1%25eth0]/?x=1", "http://[fe80::1%25eth0]/?x=1"},
    /* A ':' or '@' after the authority is not a login. */
    {"http://h/p:q@r?token=t", "http://h/p:q@r?token=********"},
    {"http://h?a=b:c@d", "http://h?a=b:c@d"},
    {"HTTPS://User:Pw@H/?KEY=1", "HTTPS://User:********@H/?KEY=********"},
    /* Text that is no URL stays as it is. */
    {"office@example.org", "office@example.org"},
    {"user:password@host", "user:password@host"},
    {"json", "json"},
    {"", ""},
    {"建议办 <office@example.org>", "建议办 <office@example.org>"},
    {"?key=abc", "?key=abc"},
    {"mailto:office@example.org?key=abc", "mailto:office@example.org?key=abc"},
    {" http://u:pw@h/", " http://u:pw@h/"},
};

static void each_url_is_shown_with_its_credentials_masked(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        char *shown = pt_url_mask(cases[i].given);
        assert_non_null(shown);
        if (strcmp(shown, cases[i].shown) != 0)
            fail_msg("%s\n shown as %s\n not as %s", cases[i].given, shown, cases[i].shown);
        free(shown);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(each_url_is_shown_with_its_credentials_masked),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
