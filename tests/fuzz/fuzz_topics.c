/* fuzz_topics: libFuzzer target for the topics.conf parser (topics.h): the
 * input is a topics.conf. Invariants: a parse either succeeds with themes
 * whose FTS5 queries can be built, or fails with a message that names the
 * file and a line ("fuzz.conf:N: ..."); never both, never neither. */
#include "blogmap/topics.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = malloc(size + 1);
    if (!text)
        return 0;
    memcpy(text, data, size);
    text[size] = '\0';
    struct topics *t = NULL;
    char *err = NULL;
    int rc = topics_parse(text, "fuzz.conf", &t, &err);
    if (rc == 0) {
        if (!t || err)
            abort();
        for (size_t i = 0; i < t->n; i++) {
            char *q = topics_fts_query(&t->v[i], 1.0);
            free(q);
        }
    } else {
        if (t || !err || strncmp(err, "fuzz.conf", 9) != 0)
            abort();
    }
    topics_free(t);
    free(err);
    free(text);
    return 0;
}
