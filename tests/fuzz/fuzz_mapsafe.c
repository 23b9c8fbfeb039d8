/* fuzz_mapsafe: libFuzzer target for the label and SVG sanitiser
 * (mapsafe.h). The input is used three ways: as page text for a label (the
 * result must be valid UTF-8 with no C0 control, DEL or bidi control, and no
 * lone backslash when doubled), as a URL for a link (the result, if any, is
 * http(s) with no quote, angle bracket, backslash, space or non-ASCII byte),
 * and as an SVG for the output check (any answer, no crash). */
#include "blogmap/mapsafe.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static size_t utf8_len(const unsigned char *s)
{
    if (s[0] < 0x80)
        return 1;
    size_t n = s[0] >= 0xf0 ? 4 : s[0] >= 0xe0 ? 3 : s[0] >= 0xc2 ? 2 : 0;
    for (size_t i = 1; i < n; i++)
        if ((s[i] & 0xc0) != 0x80)
            return 0;
    return n;
}

static void check_text(const char *t, int doubled)
{
    const unsigned char *s = (const unsigned char *)t;
    while (*s) {
        size_t n = utf8_len(s);
        if (n == 0 || *s < 0x20 || *s == 0x7f)
            abort();
        /* U+202A-202E and U+2066-2069: bidi controls */
        if (n == 3 && s[0] == 0xe2 && s[1] == 0x80 && s[2] >= 0xaa && s[2] <= 0xae)
            abort();
        if (n == 3 && s[0] == 0xe2 && s[1] == 0x81 && s[2] >= 0xa6 && s[2] <= 0xa9)
            abort();
        if (doubled && *s == '\\') {
            if (s[1] != '\\')
                abort();
            s += 2;
            continue;
        }
        s += n;
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *s = malloc(size + 1), why[128];
    if (!s)
        return 0;
    memcpy(s, data, size);
    s[size] = '\0';
    char *t = mapsafe_text(s, 80, MAPSAFE_BACKSLASH_DOUBLE | MAPSAFE_AMP);
    check_text(t, 1);
    free(t);
    t = mapsafe_text(s, 80, MAPSAFE_BACKSLASH_LOOKALIKE);
    check_text(t, 0);
    if (strchr(t, '\\'))
        abort();
    free(t);
    char *u = mapsafe_url(s, 1);
    if (u) {
        if (strncmp(u, "http://", 7) != 0 && strncmp(u, "https://", 8) != 0)
            abort();
        for (const unsigned char *p = (const unsigned char *)u; *p; p++)
            if (*p <= 0x20 || *p >= 0x7f || strchr("\"'<>\\", *p))
                abort();
        free(u);
    }
    (void)mapsafe_check_svg(s, size, why, sizeof(why));
    (void)mapsafe_relative_link_ok(s);
    free(s);
    return 0;
}
