# Runtime sources added by the element-wise operators (relative to runtime/).
set(OCTET_ELEMENTWISE_RUNTIME_SOURCES)
