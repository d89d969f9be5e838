/*
 * textenc tests: UTF-8 checking as jansson does it, base64 both ways (RFC
 * 4648's vectors, every byte value, strict rejection of malformed input),
 * \xNN escaping, and the JSON forms a trace uses for any text.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/textenc.h"

static void textenc__checks_utf8_as_jansson_does(void **state)
{
    (void)state;
    static const char *const cases[] = {
        "",
        "plain",
        "caf\xc3\xa9",
        "\xe2\x82\xac",
        "\xf0\x9f\x98\x80",
        "\x7f",
        "caf\xe9",          /* Latin-1 */
        "\xc0\xaf",         /* overlong '/' */
        "\xe0\x80\xaf",     /* overlong, 3 bytes */
        "\xed\xa0\x80",     /* a surrogate */
        "\xf4\x90\x80\x80", /* past U+10FFFF */
        "\xe2\x82",         /* cut short */
        "\xff",
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        json_t *j = json_string(cases[i]);
        assert_int_equal(textenc_is_utf8(cases[i], strlen(cases[i])), j != NULL);
        json_decref(j);
    }
}

static void textenc__base64_matches_rfc4648(void **state)
{
    (void)state;
    static const char *const vec[][2] = {{"", ""},
                                         {"f", "Zg=="},
                                         {"fo", "Zm8="},
                                         {"foo", "Zm9v"},
                                         {"foob", "Zm9vYg=="},
                                         {"fooba", "Zm9vYmE="},
                                         {"foobar", "Zm9vYmFy"}};
    for (size_t i = 0; i < sizeof vec / sizeof *vec; i++) {
        char *enc = textenc_base64(vec[i][0], strlen(vec[i][0]));
        assert_string_equal(enc, vec[i][1]);
        size_t len;
        char *dec = textenc_unbase64(enc, strlen(enc), &len);
        assert_non_null(dec);
        assert_int_equal(len, strlen(vec[i][0]));
        assert_memory_equal(dec, vec[i][0], len);
        free(enc);
        free(dec);
    }
}

static void textenc__base64_round_trips_every_byte(void **state)
{
    (void)state;
    unsigned char all[256];
    for (int i = 0; i < 256; i++)
        all[i] = (unsigned char)i;
    for (size_t n = 0; n <= 256; n += 37) {
        char *enc = textenc_base64(all, n);
        size_t len;
        char *dec = textenc_unbase64(enc, strlen(enc), &len);
        assert_non_null(dec);
        assert_int_equal(len, n);
        if (n) assert_memory_equal(dec, all, n);
        free(enc);
        free(dec);
    }
}

static void textenc__base64_rejects_malformed_input(void **state)
{
    (void)state;
    static const char *const bad[] = {"Zg=", "Zg", "Z===", "Zg==Zg==", "Zm9v!A==", "Zm 9v", "=Zg="};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        size_t len;
        char *dec = textenc_unbase64(bad[i], strlen(bad[i]), &len);
        if (dec) fail_msg("accepted '%s'", bad[i]);
    }
}

static void textenc__escapes_only_the_bad_bytes(void **state)
{
    (void)state;
    char *e = textenc_escape("caf\xe9 \xc3\xa9 \xff!");
    assert_string_equal(e, "caf\\xE9 \xc3\xa9 \\xFF!");
    free(e);
    json_t *j = textenc_json_escaped("On\xe9");
    assert_string_equal(json_string_value(j), "On\\xE9");
    json_decref(j);
    j = textenc_json_escaped(NULL);
    assert_string_equal(json_string_value(j), "");
    json_decref(j);
}

/* What textenc_append_json writes, read back by jansson and textenc_from_json. */
static void round_trip(const char *s, const char *want_json)
{
    char *buf = NULL;
    size_t len = 0, cap = 0;
    textenc_append_json(&buf, &len, &cap, s);
    assert_int_equal(strlen(want_json), len);
    assert_memory_equal(buf, want_json, len);
    json_error_t je;
    json_t *v = json_loadb(buf, len, JSON_DECODE_ANY, &je);
    assert_non_null(v);
    size_t n;
    char *back = textenc_from_json(v, &n);
    assert_non_null(back);
    assert_int_equal(n, strlen(s));
    assert_string_equal(back, s);
    free(back);
    json_decref(v);
    free(buf);
}

static void textenc__json_keeps_any_text(void **state)
{
    (void)state;
    round_trip("Task One running", "\"Task One running\"");
    round_trip("q\"b\\s\n\t\x01", "\"q\\\"b\\\\s\\u000a\\u0009\\u0001\"");
    round_trip("caf\xc3\xa9", "\"caf\xc3\xa9\"");
    round_trip("caf\xe9", "{\"base64\":\"Y2Fm6Q==\"}");
    json_t *n = json_integer(3);
    size_t len;
    assert_null(textenc_from_json(n, &len));
    json_decref(n);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(textenc__checks_utf8_as_jansson_does),
        cmocka_unit_test(textenc__base64_matches_rfc4648),
        cmocka_unit_test(textenc__base64_round_trips_every_byte),
        cmocka_unit_test(textenc__base64_rejects_malformed_input),
        cmocka_unit_test(textenc__escapes_only_the_bad_bytes),
        cmocka_unit_test(textenc__json_keeps_any_text),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
