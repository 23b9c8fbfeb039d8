/* searchInt: what the search files of graph/ (search.c, search_suggest.c,
 * search_mentions.c) share: the bm25 column weights, the test for a
 * current post, a growable string, the word test of FTS5's unicode61
 * tokenizer, and the helper that hands a statement's rows to a
 * query_row_fn. Never included outside graph/. */
#ifndef BLOGMAP_SEARCH_INT_H
#define BLOGMAP_SEARCH_INT_H

#include <sqlite3.h>
#include <stddef.h>

#include "blogmap/query.h"
#include "blogmap/store.h"

/* bm25 weights of post_text's columns (title, labels, body): a word in the
 * title says more about a post than the same word in its body. */
#define SEARCH_W_TITLE 4.0
#define SEARCH_W_LABELS 2.0
#define SEARCH_W_BODY 1.0

/* SQL condition: page alias P is a post of the posts view (done, 200, its
 * own final page). */
#define SEARCH_IS_POST(p)                                                    \
    p ".is_post = 1 AND " p ".state = 'done' AND " p ".status = 200 AND " p \
    ".final_id = " p ".id"

/* post_text's tokenizer, for temporary tables whose words must stem as the
 * posts' words do. */
#define SEARCH_TOKENIZE "tokenize = 'porter unicode61 remove_diacritics 2'"

/* A NUL-terminated string that grows; aborts when memory runs out. An
 * all-zero struct is an empty buffer. */
struct search_buf {
    char *s;
    size_t len, cap;
};
void search_buf_add(struct search_buf *b, const char *s, size_t n);
void search_buf_release(struct search_buf *b);

/* Append TEXT[0..N) to B as an FTS5 string: double quotes around, inner
 * double quotes doubled, so FTS5 reads words and never syntax. */
void search_buf_fts_string(struct search_buf *b, const char *text, size_t n);

/* The length in bytes of the character at S (N bytes left, N > 0; 1 for a
 * byte that starts no valid UTF-8 sequence), and in *WORD whether FTS5's
 * unicode61 tokenizer would take it as part of a word (letters and digits;
 * not spaces, punctuation or symbols). */
size_t search_char(const char *s, size_t n, int *word);

/* Whether TEXT[0..N) holds at least one word character. */
int search_has_word(const char *text, size_t n);

/* Step ST (prepared and bound) and hand its rows to FN, header first, with
 * the statement's column names. Finalizes ST. Returns STORE_OK or a store
 * error. */
int search_emit(struct store *s, sqlite3_stmt *st, query_row_fn fn, void *ctx);

#endif
