build-fuzz/graph/diff.o: graph/diff.c include/blogmap/diff.h \
  include/blogmap/query.h include/blogmap/store.h graph/storeInt.h

include/blogmap/diff.h:

include/blogmap/query.h:

include/blogmap/store.h:

graph/storeInt.h:
