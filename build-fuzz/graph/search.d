build-fuzz/graph/search.o: graph/search.c include/blogmap/search.h \
  include/blogmap/query.h include/blogmap/store.h \
  include/blogmap/topics.h include/blogmap/analyse.h graph/searchInt.h \
  graph/storeInt.h

include/blogmap/search.h:

include/blogmap/query.h:

include/blogmap/store.h:

include/blogmap/topics.h:

include/blogmap/analyse.h:

graph/searchInt.h:

graph/storeInt.h:
