// (placeholder: filled by its kernel family)
#include <gtest/gtest.h>
