build-fuzz/graph/search_suggest.o: graph/search_suggest.c \
  include/blogmap/classify.h include/blogmap/store.h \
  include/blogmap/topics.h include/blogmap/search.h \
  include/blogmap/query.h graph/searchInt.h graph/storeInt.h

include/blogmap/classify.h:

include/blogmap/store.h:

include/blogmap/topics.h:

include/blogmap/search.h:

include/blogmap/query.h:

graph/searchInt.h:

graph/storeInt.h:
