build-fuzz/graph/search_mentions.o: graph/search_mentions.c \
  include/blogmap/search.h include/blogmap/query.h \
  include/blogmap/store.h include/blogmap/topics.h graph/searchInt.h \
  graph/storeInt.h

include/blogmap/search.h:

include/blogmap/query.h:

include/blogmap/store.h:

include/blogmap/topics.h:

graph/searchInt.h:

graph/storeInt.h:
