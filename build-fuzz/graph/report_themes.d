build-fuzz/graph/report_themes.o: graph/report_themes.c graph/reportInt.h \
  include/blogmap/mapdata.h include/blogmap/store.h \
  include/blogmap/topics.h include/blogmap/report.h

graph/reportInt.h:

include/blogmap/mapdata.h:

include/blogmap/store.h:

include/blogmap/topics.h:

include/blogmap/report.h:
