build-fuzz/graph/store.o: graph/store.c include/blogmap/store.h \
  graph/storeInt.h

include/blogmap/store.h:

graph/storeInt.h:
