"""Reading registers: readers, guards, layout, the row and the columnar reader."""

#: set by the command line (cli.run) where the process is disclo's own and ARROW_DEFAULT_MEMORY_POOL
#: does not choose: then the columnar reader may take Arrow's jemalloc pool for the whole process
#: (columnar.memory_pool); a library host keeps its own
CHOOSE_ARROW_POOL = False
