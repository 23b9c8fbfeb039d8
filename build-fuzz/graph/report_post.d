build-fuzz/graph/report_post.o: graph/report_post.c \
  include/blogmap/analyse.h include/blogmap/query.h \
  include/blogmap/store.h include/blogmap/mapsafe.h \
  include/blogmap/search.h include/blogmap/topics.h graph/reportInt.h \
  include/blogmap/mapdata.h include/blogmap/report.h

include/blogmap/analyse.h:

include/blogmap/query.h:

include/blogmap/store.h:

include/blogmap/mapsafe.h:

include/blogmap/search.h:

include/blogmap/topics.h:

graph/reportInt.h:

include/blogmap/mapdata.h:

include/blogmap/report.h:
