build-fuzz/graph/report_pages.o: graph/report_pages.c \
  include/blogmap/analyse.h include/blogmap/query.h \
  include/blogmap/store.h include/blogmap/layout.h \
  include/blogmap/mapdata.h include/blogmap/topics.h graph/reportInt.h \
  include/blogmap/report.h

include/blogmap/analyse.h:

include/blogmap/query.h:

include/blogmap/store.h:

include/blogmap/layout.h:

include/blogmap/mapdata.h:

include/blogmap/topics.h:

graph/reportInt.h:

include/blogmap/report.h:
