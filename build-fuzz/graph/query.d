build-fuzz/graph/query.o: graph/query.c include/blogmap/query.h \
  include/blogmap/store.h graph/storeInt.h

include/blogmap/query.h:

include/blogmap/store.h:

graph/storeInt.h:
