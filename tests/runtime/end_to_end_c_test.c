/* The C API from C99: write the demo model (through the C++ test support), load
 * it from the file, describe its input and output, run it on an NCHW float image
 * and compare the probabilities exactly with the reference-kernel oracle; then
 * the error paths. Prints "N passed, M failed" and exits non-zero on any failure. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "octet/octet.h"
#include "tests/support/octet_test_c.h"

static int passed = 0;
static int failed = 0;

#define CHECK(cond)                                                   \
  do {                                                                \
    if (cond) {                                                       \
      ++passed;                                                       \
    } else {                                                          \
      ++failed;                                                       \
      fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #cond); \
    }                                                                 \
  } while (0)

#define IMAGE (3 * 32 * 32)
#define CLASSES 10

/* Deterministic values in [-2.5, 2.5). */
static void fill_image(float* image, unsigned seed) {
  unsigned long state = 2463534242ul ^ seed;
  int i;
  for (i = 0; i < IMAGE; ++i) {
    state = (state * 1103515245ul + 12345ul) & 0x7fffffffUL;
    image[i] = (float)((double)(state >> 8) / (double)(1ul << 23) * 5.0 - 2.5);
  }
}

static void run_seed(const char* path, unsigned seed, int threads) {
  static float image[IMAGE];
  float probs[CLASSES], expected[CLASSES];
  char error[256];
  octet_model* model = NULL;
  octet_session* session = NULL;
  octet_session_options options;
  octet_tensor_info in, out;
  octet_status st;
  double sum = 0.0;
  int i;

  CHECK(octet_test_write_demo_model(path, seed) == 0);
  st = octet_model_load_file(path, &model, error, sizeof(error));
  CHECK(st == OCTET_OK);
  if (st != OCTET_OK) {
    fprintf(stderr, "load failed: %s\n", error);
    return;
  }
  CHECK(octet_model_num_inputs(model) == 1);
  CHECK(octet_model_num_outputs(model) == 1);
  CHECK(octet_model_num_operators(model) == 15);

  CHECK(octet_model_input_info(model, 0, &in) == OCTET_OK);
  CHECK(strcmp(in.name, "image") == 0);
  CHECK(in.dtype == OCTET_FLOAT32);
  CHECK(in.rank == 4);
  CHECK(in.nchw == 1);
  CHECK(in.dims[0] == 1 && in.dims[1] == 32 && in.dims[2] == 32 && in.dims[3] == 3);
  CHECK(in.float_dims[0] == 1 && in.float_dims[1] == 3 && in.float_dims[2] == 32 && in.float_dims[3] == 32);
  CHECK(in.element_count == IMAGE);
  CHECK(in.raw_size == IMAGE * sizeof(float));

  CHECK(octet_model_output_info(model, 0, &out) == OCTET_OK);
  CHECK(strcmp(out.name, "probabilities") == 0);
  CHECK(out.dtype == OCTET_FLOAT32);
  CHECK(out.rank == 2 && out.dims[0] == 1 && out.dims[1] == CLASSES);
  CHECK(out.element_count == CLASSES);
  CHECK(octet_model_find_input(model, "image") == 0);
  CHECK(octet_model_find_output(model, "probabilities") == 0);

  octet_session_options_init(&options);
  options.num_threads = threads;
  st = octet_session_create(model, &options, &session, error, sizeof(error));
  CHECK(st == OCTET_OK);
  if (st != OCTET_OK) {
    fprintf(stderr, "session failed: %s\n", error);
    octet_model_release(model);
    return;
  }
  /* The session keeps the model alive. */
  octet_model_release(model);
  model = NULL;

  fill_image(image, seed);
  CHECK(octet_session_set_input_float(session, 0, image, IMAGE) == OCTET_OK);
  CHECK(octet_session_invoke(session) == OCTET_OK);
  CHECK(octet_session_get_output_float(session, 0, probs, CLASSES) == OCTET_OK);
  CHECK(octet_test_demo_expected(seed, image, expected) == 0);
  for (i = 0; i < CLASSES; ++i) {
    if (probs[i] != expected[i]) fprintf(stderr, "seed %u class %d: %.9g, expected %.9g\n", seed, i, probs[i], expected[i]);
    CHECK(probs[i] == expected[i]);
    CHECK(probs[i] >= 0.0f && probs[i] <= 1.0f);
    sum += probs[i];
  }
  CHECK(fabs(sum - 1.0) < 10.0 / 256.0);
  CHECK(strcmp(octet_session_last_error(session), "") == 0);
  octet_session_release(session);
}

static void error_paths(const char* path) {
  char error[256];
  float image[IMAGE];
  float probs[CLASSES];
  octet_model* model = NULL;
  octet_session* session = NULL;
  octet_session_options options;
  octet_tensor_info info;
  octet_operator_profile profile;
  const char* missing = "/nonexistent/dir/model.octet";

  /* Loading. */
  error[0] = '\0';
  CHECK(octet_model_load_file(missing, &model, error, sizeof(error)) == OCTET_IO_ERROR);
  CHECK(model == NULL);
  CHECK(strstr(error, missing) != NULL);
  CHECK(octet_model_load_file(NULL, &model, error, sizeof(error)) == OCTET_INVALID_ARGUMENT);
  CHECK(octet_model_load_file(path, NULL, error, sizeof(error)) == OCTET_INVALID_ARGUMENT);
  CHECK(octet_model_load_memory("OCT8", 4, &model, error, sizeof(error)) == OCTET_INVALID_MODEL);
  CHECK(model == NULL);
  CHECK(strlen(error) > 0);
  CHECK(octet_model_load_memory(NULL, 0, &model, error, sizeof(error)) == OCTET_INVALID_ARGUMENT);

  if (octet_model_load_file(path, &model, error, sizeof(error)) != OCTET_OK) {
    CHECK(0);
    return;
  }
  CHECK(octet_model_input_info(model, 1, &info) == OCTET_INVALID_ARGUMENT);
  CHECK(octet_model_input_info(NULL, 0, &info) == OCTET_INVALID_ARGUMENT);
  CHECK(octet_model_output_info(model, 0, NULL) == OCTET_INVALID_ARGUMENT);
  CHECK(octet_model_find_input(model, "nope") == -1);

  /* Sessions. */
  octet_session_options_init(&options);
  options.num_threads = 0;
  CHECK(octet_session_create(model, &options, &session, error, sizeof(error)) == OCTET_INVALID_ARGUMENT);
  CHECK(session == NULL);
  CHECK(strstr(error, "num_threads") != NULL);
  CHECK(octet_session_create(NULL, NULL, &session, error, sizeof(error)) == OCTET_INVALID_ARGUMENT);
  CHECK(octet_session_create(model, NULL, &session, error, sizeof(error)) == OCTET_OK);
  if (session == NULL) {
    octet_model_release(model);
    return;
  }
  CHECK(octet_session_invoke(session) == OCTET_INVALID_STATE);
  CHECK(strstr(octet_session_last_error(session), "image") != NULL);
  fill_image(image, 1);
  CHECK(octet_session_set_input_float(session, 0, image, IMAGE - 1) == OCTET_INVALID_ARGUMENT);
  CHECK(strstr(octet_session_last_error(session), "3072") != NULL);
  CHECK(octet_session_set_input_float(session, 1, image, IMAGE) == OCTET_INVALID_ARGUMENT);
  CHECK(octet_session_set_input_raw(session, 0, image, IMAGE) == OCTET_INVALID_ARGUMENT);
  CHECK(octet_session_set_input_float(session, 0, NULL, IMAGE) == OCTET_INVALID_ARGUMENT);
  CHECK(octet_session_invoke(session) == OCTET_INVALID_STATE);
  CHECK(octet_session_set_input_float(session, 0, image, IMAGE) == OCTET_OK);
  CHECK(octet_session_invoke(session) == OCTET_OK);
  CHECK(octet_session_get_output_float(session, 0, probs, CLASSES + 1) == OCTET_INVALID_ARGUMENT);
  CHECK(octet_session_get_output_float(session, 1, probs, CLASSES) == OCTET_INVALID_ARGUMENT);
  CHECK(octet_session_get_output_raw(session, 0, probs, CLASSES) == OCTET_INVALID_ARGUMENT);
  CHECK(octet_session_get_output_float(session, 0, probs, CLASSES) == OCTET_OK);
  CHECK(octet_session_operator_profile(session, 0, &profile) == OCTET_INVALID_STATE);
  CHECK(octet_session_invoke(NULL) == OCTET_INVALID_ARGUMENT);
  CHECK(octet_session_last_error(NULL) != NULL);
  CHECK(strcmp(octet_status_string(OCTET_OK), "ok") == 0);

  octet_session_release(session);
  octet_model_release(model);
  octet_session_release(NULL);
  octet_model_release(NULL);
}

int main(void) {
  char path[512];
  if (octet_test_temp_path("end_to_end_c.octet", path, sizeof(path)) != 0) {
    fprintf(stderr, "no temporary path\n");
    return 1;
  }
  run_seed(path, 1u, 1);
  run_seed(path, 2u, 2);
  run_seed(path, 3u, 4);
  error_paths(path);
  remove(path);
  printf("%d passed, %d failed\n", passed, failed);
  return failed == 0 && passed > 0 ? 0 : 1;
}
