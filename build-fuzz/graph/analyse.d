build-fuzz/graph/analyse.o: graph/analyse.c include/blogmap/analyse.h \
  include/blogmap/query.h include/blogmap/store.h include/blogmap/url.h \
  graph/storeInt.h

include/blogmap/analyse.h:

include/blogmap/query.h:

include/blogmap/store.h:

include/blogmap/url.h:

graph/storeInt.h:
