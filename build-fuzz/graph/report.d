build-fuzz/graph/report.o: graph/report.c include/blogmap/report.h \
  include/blogmap/store.h include/blogmap/topics.h \
  include/blogmap/classify.h include/blogmap/mapsafe.h \
  include/blogmap/query.h graph/reportInt.h include/blogmap/mapdata.h

include/blogmap/report.h:

include/blogmap/store.h:

include/blogmap/topics.h:

include/blogmap/classify.h:

include/blogmap/mapsafe.h:

include/blogmap/query.h:

graph/reportInt.h:

include/blogmap/mapdata.h:
