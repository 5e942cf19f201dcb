/* The smallest app that embeds octet: reads a .octet file into memory (as an app
 * would take it from its assets or a download), loads it from that memory, runs it
 * once on an input of zeros (or the float32 file given), and prints each output's
 * first values. Written in C against include/octet/octet.h only.
 *
 *   octet-example-minimal MODEL.octet [INPUT.f32] [--threads N]
 */
#include <octet/octet.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void* read_file(const char* path, size_t* size) {
  FILE* f = fopen(path, "rb");
  void* data = NULL;
  long n;
  if (f == NULL) return NULL;
  if (fseek(f, 0, SEEK_END) == 0 && (n = ftell(f)) > 0 && fseek(f, 0, SEEK_SET) == 0) {
    data = malloc((size_t)n);
    if (data != NULL && fread(data, 1, (size_t)n, f) != (size_t)n) {
      free(data);
      data = NULL;
    }
    *size = (size_t)n;
  }
  fclose(f);
  return data;
}

int main(int argc, char** argv) {
  const char* model_path = NULL;
  const char* input_path = NULL;
  int threads = 1;
  int i;
  for (i = 1; i < argc; ++i) {
    if (strcmp(argv[i], "--threads") == 0 && i + 1 < argc) {
      threads = atoi(argv[++i]);
    } else if (model_path == NULL) {
      model_path = argv[i];
    } else if (input_path == NULL) {
      input_path = argv[i];
    } else {
      model_path = NULL;
      break;
    }
  }
  if (model_path == NULL || threads < 1) {
    fprintf(stderr, "usage: octet-example-minimal MODEL.octet [INPUT.f32] [--threads N]\n");
    return 2;
  }

  size_t size = 0;
  void* bytes = read_file(model_path, &size);
  if (bytes == NULL) {
    fprintf(stderr, "cannot read %s\n", model_path);
    return 1;
  }
  char error[512];
  octet_model* model = NULL;
  octet_status st = octet_model_load_memory(bytes, size, &model, error, sizeof error);
  free(bytes); /* the runtime keeps its own copy */
  if (st != OCTET_OK) {
    fprintf(stderr, "load: %s: %s\n", octet_status_string(st), error);
    return 1;
  }
  printf("cpu: %s\nkernel path: %s\n", octet_cpu_description(), octet_model_kernel_path(model));

  octet_session_options options;
  octet_session_options_init(&options);
  options.num_threads = threads;
  octet_session* session = NULL;
  st = octet_session_create(model, &options, &session, error, sizeof error);
    if (st != OCTET_OK) {
    fprintf(stderr, "session: %s: %s\n", octet_status_string(st), error);
    octet_model_release(model);
    return 1;
  }

  int rc = 0;
  size_t n;
  for (n = 0; n < octet_model_num_inputs(model) && rc == 0; ++n) {
    octet_tensor_info info;
    octet_model_input_info(model, n, &info);
    float* x = (float*)calloc(info.element_count ? info.element_count : 1, sizeof(float));
    if (x == NULL) {
      rc = 1;
      break;
    }
    if (n == 0 && input_path != NULL) {
      size_t got = 0;
      float* file = (float*)read_file(input_path, &got);
      if (file == NULL || got != info.element_count * sizeof(float)) {
        fprintf(stderr, "%s: expected %zu float32 values for input '%s'\n", input_path, info.element_count,
                info.name);
        rc = 1;
      } else {
        memcpy(x, file, got);
      }
      free(file);
    }
    if (rc == 0 && octet_session_set_input_float(session, n, x, info.element_count) != OCTET_OK) {
      fprintf(stderr, "input '%s': %s\n", info.name, octet_session_last_error(session));
      rc = 1;
    }
    free(x);
  }
  if (rc == 0 && octet_session_invoke(session) != OCTET_OK) {
    fprintf(stderr, "invoke: %s\n", octet_session_last_error(session));
    rc = 1;
  }
  for (n = 0; rc == 0 && n < octet_model_num_outputs(model); ++n) {
    octet_tensor_info info;
    octet_model_output_info(model, n, &info);
    float* y = (float*)malloc((info.element_count ? info.element_count : 1) * sizeof(float));
    if (y == NULL || octet_session_get_output_float(session, n, y, info.element_count) != OCTET_OK) {
      fprintf(stderr, "output %zu: %s\n", n, octet_session_last_error(session));
      rc = 1;
    } else {
      size_t j;
      printf("output '%s' (%zu values):", info.name, info.element_count);
      for (j = 0; j < info.element_count && j < 8; ++j) printf(" %.6g", y[j]);
      printf("%s\n", info.element_count > 8 ? " ..." : "");
    }
    free(y);
  }
  octet_session_release(session);
  octet_model_release(model);
  return rc;
}
