build-fuzz/graph/mapdata.o: graph/mapdata.c include/blogmap/mapdata.h \
  include/blogmap/store.h include/blogmap/topics.h graph/storeInt.h

include/blogmap/mapdata.h:

include/blogmap/store.h:

include/blogmap/topics.h:

graph/storeInt.h:
