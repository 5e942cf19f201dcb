/* C entry points into the C++ test support, for tests written in C. */
#ifndef OCTET_TEST_C_H_
#define OCTET_TEST_C_H_

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Writes the demo network with weight seed `seed` to `path`. 0 on success. */
int octet_test_write_demo_model(const char* path, unsigned seed);

/* The demo network's output probabilities for an NCHW image (1 x 3 x 32 x 32
 * floats), from the reference-kernel oracle (tests/support/demo_reference.h).
 * Writes `classes` floats (10). 0 on success. */
int octet_test_demo_expected(unsigned seed, const float* input_nchw, float* expected_probs);

/* A path in the temporary directory unique to this process and `stem`. 0 on
 * success (the path fits in size bytes). */
int octet_test_temp_path(const char* stem, char* path, size_t size);

#ifdef __cplusplus
}
#endif

#endif /* OCTET_TEST_C_H_ */
