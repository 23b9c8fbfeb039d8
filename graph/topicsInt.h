/* topicsInt: the built-in topics.conf, compiled from graph/topics.conf by
 * the Makefile into build/gen/topics_default.c. Private to graph/. */
#ifndef BLOGMAP_TOPICS_INT_H
#define BLOGMAP_TOPICS_INT_H

extern const char topics_builtin_conf[];

#endif
