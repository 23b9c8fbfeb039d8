build-fuzz/graph/classify.o: graph/classify.c include/blogmap/classify.h \
  include/blogmap/store.h include/blogmap/topics.h graph/storeInt.h

include/blogmap/classify.h:

include/blogmap/store.h:

include/blogmap/topics.h:

graph/storeInt.h:
