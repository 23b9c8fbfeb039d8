build-fuzz/graph/topics.o: graph/topics.c include/blogmap/topics.h \
  graph/topicsInt.h

include/blogmap/topics.h:

graph/topicsInt.h:
