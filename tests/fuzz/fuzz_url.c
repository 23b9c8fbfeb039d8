/* fuzz_url: libFuzzer target for the URL normaliser (url.h). The input is
 * split at its first NUL into a base and an href (no NUL: the whole input is
 * an href with no base, then the same href against a fixed base). Invariants
 * checked on every success: the result is http:// or https://, at most
 * URL_MAX_LEN bytes, printable ASCII only, and normalising it again returns
 * it unchanged (idempotence). Any breach aborts, which libFuzzer reports. */
#include "blogmap/url.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check(const char *base, const char *href)
{
    char *out = NULL, *again = NULL;
    if (url_normalize(base, href, &out) != URL_OK)
        return;
    size_t n = strlen(out);
    if (n > URL_MAX_LEN || (strncmp(out, "http://", 7) != 0 && strncmp(out, "https://", 8) != 0))
        abort();
    for (size_t i = 0; i < n; i++)
        if ((unsigned char)out[i] <= 0x20 || (unsigned char)out[i] >= 0x7f)
            abort();
    if (url_normalize(NULL, out, &again) != URL_OK || strcmp(again, out) != 0)
        abort();
    char *auth = NULL, *path = NULL;
    if (url_authority(out, &auth) != URL_OK || url_path_query(out, &path) != URL_OK)
        abort();
    (void)url_is_trap(out);
    free(auth);
    free(path);
    free(again);
    free(out);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *s = malloc(size + 1);
    if (!s)
        return 0;
    memcpy(s, data, size);
    s[size] = '\0';
    size_t first = strlen(s);
    if (first < size) {
        check(s, s + first + 1);
    } else {
        check(NULL, s);
        check("https://blog.example.com/2024/01/post.html", s);
    }
    free(s);
    return 0;
}
