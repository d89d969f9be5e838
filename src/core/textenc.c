/*
 * textenc: UTF-8 checking, base64 and \xNN escaping for texts that go into
 * JSON. Base64 is a few lines and none of our libraries exports one, so it
 * is written here (the decoder is strict: padding, alphabet, no spaces).
 */
#include "textenc.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "xalloc.h"

/* Length of the valid UTF-8 sequence at s (n bytes left), or 0. */
static size_t utf8_seq(const unsigned char *s, size_t n)
{
    unsigned c = s[0];
    if (c < 0x80) return 1;
    size_t len;
    uint32_t cp;
    if (c >= 0xc2 && c <= 0xdf) {
        len = 2;
        cp = c & 0x1f;
    } else if (c >= 0xe0 && c <= 0xef) {
        len = 3;
        cp = c & 0x0f;
    } else if (c >= 0xf0 && c <= 0xf4) {
        len = 4;
        cp = c & 0x07;
    } else {
        return 0;
    }
    if (n < len) return 0;
    for (size_t i = 1; i < len; i++) {
        if ((s[i] & 0xc0) != 0x80) return 0;
        cp = cp << 6 | (s[i] & 0x3f);
    }
    if ((len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000)) return 0; /* overlong */
    if (cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return 0;
    return len;
}

int textenc_is_utf8(const char *s, size_t n)
{
    const unsigned char *p = (const unsigned char *)s;
    for (size_t i = 0; i < n;) {
        if (p[i] < 0x80) {
            i++;
            continue;
        }
        size_t l = utf8_seq(p + i, n - i);
        if (!l) return 0;
        i += l;
    }
    return 1;
}

static const char b64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

char *textenc_base64(const void *p, size_t n)
{
    const unsigned char *s = p;
    char *out = xmalloc((n + 2) / 3 * 4 + 1), *o = out;
    for (size_t i = 0; i < n; i += 3) {
        uint32_t v = (uint32_t)s[i] << 16;
        if (i + 1 < n) v |= (uint32_t)s[i + 1] << 8;
        if (i + 2 < n) v |= s[i + 2];
        *o++ = b64[v >> 18 & 63];
        *o++ = b64[v >> 12 & 63];
        *o++ = i + 1 < n ? b64[v >> 6 & 63] : '=';
        *o++ = i + 2 < n ? b64[v & 63] : '=';
    }
    *o = '\0';
    return out;
}

static int b64_value(char c)
{
    const char *at = c ? strchr(b64, c) : NULL;
    return at ? (int)(at - b64) : -1;
}

char *textenc_unbase64(const char *s, size_t n, size_t *len)
{
    if (n % 4) return NULL;
    char *out = xmalloc(n / 4 * 3 + 1);
    size_t o = 0;
    for (size_t i = 0; i < n; i += 4) {
        int pad = (s[i + 2] == '=') + (s[i + 3] == '=');
        int v[4] = {b64_value(s[i]), b64_value(s[i + 1]), pad == 2 ? 0 : b64_value(s[i + 2]),
                    pad ? 0 : b64_value(s[i + 3])};
        if (v[0] < 0 || v[1] < 0 || v[2] < 0 || v[3] < 0 || (pad && i + 4 != n) ||
            (pad == 1 && s[i + 2] == '=')) {
            free(out);
            return NULL;
        }
        uint32_t x =
            (uint32_t)v[0] << 18 | (uint32_t)v[1] << 12 | (uint32_t)v[2] << 6 | (uint32_t)v[3];
        out[o++] = (char)(x >> 16);
        if (pad < 2) out[o++] = (char)(x >> 8 & 0xff);
        if (pad < 1) out[o++] = (char)(x & 0xff);
    }
    out[o] = '\0';
    *len = o;
    return out;
}

char *textenc_escape(const char *s)
{
    size_t n = strlen(s);
    char *out = xmalloc(n * 4 + 1), *o = out;
    const unsigned char *p = (const unsigned char *)s;
    for (size_t i = 0; i < n;) {
        size_t l = p[i] < 0x80 ? 1 : utf8_seq(p + i, n - i);
        if (l) {
            memcpy(o, p + i, l);
            o += l;
            i += l;
        } else {
            o += sprintf(o, "\\x%02X", p[i++]);
        }
    }
    *o = '\0';
    return out;
}

json_t *textenc_json_escaped(const char *s)
{
    if (!s) s = "";
    if (textenc_is_utf8(s, strlen(s))) return json_string(s);
    char *e = textenc_escape(s);
    json_t *j = json_string(e);
    free(e);
    return j;
}

void textenc_append_json(char **buf, size_t *len, size_t *cap, const char *s)
{
    size_t n = strlen(s);
    if (!textenc_is_utf8(s, n)) {
        char *enc = textenc_base64(s, n);
        size_t el = strlen(enc);
        *buf = xgrow(*buf, cap, *len + el + 16, 1);
        *len += (size_t)sprintf(*buf + *len, "{\"base64\":\"%s\"}", enc);
        free(enc);
        return;
    }
    /* Worst case: every byte a \u00XX escape, plus the quotes. */
    *buf = xgrow(*buf, cap, *len + n * 6 + 3, 1);
    char *o = *buf + *len;
    *o++ = '"';
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == '"' || c == '\\') {
            *o++ = '\\';
            *o++ = (char)c;
        } else if (c < 0x20) {
            static const char hex[] = "0123456789abcdef";
            memcpy(o, "\\u00", 4);
            o[4] = hex[c >> 4];
            o[5] = hex[c & 15];
            o += 6;
        } else {
            *o++ = (char)c;
        }
    }
    *o++ = '"';
    *len = (size_t)(o - *buf);
}

char *textenc_from_json(const json_t *v, size_t *len)
{
    if (json_is_string(v)) {
        *len = json_string_length(v);
        char *out = xmalloc(*len + 1);
        memcpy(out, json_string_value(v), *len);
        out[*len] = '\0';
        return out;
    }
    const json_t *b = json_is_object(v) ? json_object_get(v, "base64") : NULL;
    if (!json_is_string(b)) return NULL;
    return textenc_unbase64(json_string_value(b), json_string_length(b), len);
}
