/* octet: INT8 inference runtime — C API.
 *
 * Every function returns an octet_status (or a plain value that cannot fail);
 * none aborts, and no C++ exception crosses this interface. Errors carry a
 * message: load functions write it into the caller's buffer, sessions keep the
 * last one (octet_session_last_error).
 *
 * Threads: an octet_model is immutable after loading and may be shared by any
 * number of sessions on any threads. An octet_session is used by one thread at a
 * time. Releasing a model while sessions still use it is allowed: each session
 * keeps the model alive until the session itself is released. A handle passed
 * after its release is refused with OCTET_INVALID_ARGUMENT (and a second release
 * ignored) unless its address was reused for a new handle (docs/SECURITY.md).
 */
#ifndef OCTET_OCTET_H_
#define OCTET_OCTET_H_

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef enum octet_status {
  OCTET_OK = 0,
  OCTET_INVALID_ARGUMENT = 1, /* a bad argument: null pointer, index or size */
  OCTET_INVALID_MODEL = 2,    /* the model file is malformed or inconsistent */
  OCTET_UNSUPPORTED = 3,      /* a well-formed model using something this runtime lacks */
  OCTET_OUT_OF_MEMORY = 4,
  OCTET_IO_ERROR = 5,         /* the file could not be opened or read */
  OCTET_INVALID_STATE = 6,    /* e.g. invoke before every input was set */
  OCTET_INTERNAL = 7
} octet_status;

typedef enum octet_dtype { OCTET_FLOAT32 = 0, OCTET_INT8 = 1, OCTET_INT32 = 2 } octet_dtype;

#define OCTET_MAX_RANK 8

typedef struct octet_model octet_model;
typedef struct octet_session octet_session;

/* Description of a graph input or output. Pointers stay valid while the model lives. */
typedef struct octet_tensor_info {
  const char* name;
  octet_dtype dtype;          /* type of the runtime tensor (raw accessors) */
  int rank;
  int64_t dims[OCTET_MAX_RANK]; /* runtime shape: NHWC for 4-D tensors */
  int nchw;                   /* 1: float accessors use NCHW order (dims N, C, H, W below) */
  int64_t float_dims[OCTET_MAX_RANK]; /* shape seen by the float accessors */
  size_t element_count;
  size_t raw_size;            /* bytes of the raw runtime tensor */
  float scale;                /* quantization of INT8 tensors (else 0 and 0) */
  int32_t zero_point;
} octet_tensor_info;

/* One line describing the CPU as detected (once, at first use) and the kernel
 * path octet runs on it, e.g. "AMD EPYC: avx2 avx512f avx512bw avx512vnni; kernels: reference".
 * The string is static. */
const char* octet_cpu_description(void);

/* Returns a static, human-readable name of a status. */
const char* octet_status_string(octet_status status);

/* Loads a model from a file (memory-mapped; weights are used in place). On
 * failure *model is NULL and, when error is not NULL, a message of at most
 * error_size - 1 bytes is written there. */
octet_status octet_model_load_file(const char* path, octet_model** model, char* error,
                                   size_t error_size);
/* Loads a model from memory; the bytes are copied, so the caller may free them. */
octet_status octet_model_load_memory(const void* data, size_t size, octet_model** model,
                                     char* error, size_t error_size);
/* Load options. kernel_path forces a kernel path by name: "reference", "avx2",
 * "avx512bw", "avxvnni" or "avx512vnni" (x86), "neon" (AArch64 ARMv8.0 or ARMv7),
 * "neondot" or "neoni8mm" (AArch64). NULL or "" means the environment
 * variable OCTET_KERNEL_PATH when set, else the best path this CPU runs. A path the
 * CPU cannot run fails the load with OCTET_UNSUPPORTED; an unknown name with
 * OCTET_INVALID_ARGUMENT. Every path gives the same output bytes. */
typedef struct octet_load_options {
  const char* kernel_path;
  /* How 3x3 stride-1 int8 convolutions (and stride-2 ones on x86) choose between
   * im2col+GEMM and exact Winograd F(2x2, 3x3) (stride 2: its f23s2 form; same
   * bytes either way): OCTET_WINOGRAD_MEASURE times
   * both forms of each such layer at load (one thread, each distinct geometry once)
   * and keeps Winograd where it is at least 10% faster; _OFF never uses Winograd;
   * _ON uses it wherever it is exact. _DEFAULT (0) is the environment variable OCTET_WINOGRAD ("measure",
   * "off", "on") when set, else measure. octet_operator_info.choice says what each
   * layer chose and why. */
  int winograd;
} octet_load_options;
#define OCTET_WINOGRAD_DEFAULT 0
#define OCTET_WINOGRAD_MEASURE 1
#define OCTET_WINOGRAD_OFF 2
#define OCTET_WINOGRAD_ON 3
void octet_load_options_init(octet_load_options* options);
octet_status octet_model_load_file_ex(const char* path, const octet_load_options* options, octet_model** model,
                                      char* error, size_t error_size);
octet_status octet_model_load_memory_ex(const void* data, size_t size, const octet_load_options* options,
                                        octet_model** model, char* error, size_t error_size);
/* The kernel path the model's operators run ("avx512vnni", "reference", ...). */
const char* octet_model_kernel_path(const octet_model* model);

/* Drops the caller's reference; NULL is ignored. */
void octet_model_release(octet_model* model);

/* Where the load time went: opening (mapping the file, or copying the bytes),
 * verifying the container and tensors, and checking and preparing the operators
 * (parameters derived, weights located or packed) with the arena plan. */
typedef struct octet_load_times {
  double open_ms;
  double verify_ms;
  double prepare_ms;
  double choose_ms; /* of prepare_ms: timing convolution forms (winograd measure) */
} octet_load_times;
octet_status octet_model_load_times(const octet_model* model, octet_load_times* times);

size_t octet_model_num_inputs(const octet_model* model);
size_t octet_model_num_outputs(const octet_model* model);
octet_status octet_model_input_info(const octet_model* model, size_t index, octet_tensor_info* info);
octet_status octet_model_output_info(const octet_model* model, size_t index, octet_tensor_info* info);
/* Index of a named input/output, or -1. */
int octet_model_find_input(const octet_model* model, const char* name);
int octet_model_find_output(const octet_model* model, const char* name);
/* Activation memory one session needs, and the lower bound it is measured against
 * (the largest sum of tensors alive at once). */
octet_status octet_model_arena_size(const octet_model* model, size_t* arena_bytes,
                                    size_t* lower_bound_bytes);
size_t octet_model_num_operators(const octet_model* model);

/* Static description of one operator, in execution order. Pointers stay valid
 * while the model lives. macs counts the multiply-accumulates of one run:
 * Conv2D output_elements * kernel_h * kernel_w * input_channels / groups,
 * FullyConnected rows * K * N, BatchMatMul rows * K * N (rows: every batch index
 * times M); every other operator (pooling, elementwise, layout, ...) reports 0. */
typedef struct octet_operator_info {
  const char* name;   /* operator name from the model */
  const char* type;   /* e.g. "Conv2D" */
  const char* kernel; /* kernel variant it runs, e.g. "qs8_conv2d__reference" */
  int output_rank;    /* runtime shape of output 0 (NHWC for 4-D); 0 when none */
  int64_t output_dims[OCTET_MAX_RANK];
  uint64_t macs;
  /* Why this kernel, where the runtime chose between forms (3x3 stride-1 and
   * stride-2 int8 convolutions: "winograd: measured ..."), else "". */
  const char* choice;
} octet_operator_info;
octet_status octet_model_operator_info(const octet_model* model, size_t index, octet_operator_info* info);

typedef struct octet_session_options {
  int num_threads;      /* >= 1; default 1 */
  int enable_profiling; /* nonzero: time every operator on each invoke */
} octet_session_options;

/* Fills the defaults. */
void octet_session_options_init(octet_session_options* options);

/* options may be NULL for the defaults. */
octet_status octet_session_create(octet_model* model, const octet_session_options* options,
                                  octet_session** session, char* error, size_t error_size);
void octet_session_release(octet_session* session);
/* Message of the last failed call on this session ("" if none). */
const char* octet_session_last_error(const octet_session* session);

/* Float input, count elements in the float accessor order (NCHW when info.nchw);
 * quantized on the way in for INT8 inputs (round half to even, saturating; NaN -> 0). */
octet_status octet_session_set_input_float(octet_session* session, size_t index, const float* data,
                                           size_t count);
/* Raw input: exactly info.raw_size bytes in the runtime layout and type. */
octet_status octet_session_set_input_raw(octet_session* session, size_t index, const void* data,
                                         size_t size);
/* Runs the model. Every input must have been set since the session was created. */
octet_status octet_session_invoke(octet_session* session);
/* Float output (dequantized for INT8 outputs; NCHW when info.nchw). */
octet_status octet_session_get_output_float(octet_session* session, size_t index, float* data,
                                            size_t count);
octet_status octet_session_get_output_raw(octet_session* session, size_t index, void* data,
                                          size_t size);

/* Per-operator timing of the last invoke (requires enable_profiling). */
typedef struct octet_operator_profile {
  const char* name;   /* operator name from the model */
  const char* type;   /* e.g. "Conv2D" */
  const char* kernel; /* kernel variant that ran, e.g. "qs8_conv2d__reference" */
  uint64_t time_ns;
  uint64_t start_ns;  /* start of the operator, from the start of the invoke */
} octet_operator_profile;
octet_status octet_session_operator_profile(const octet_session* session, size_t index,
                                            octet_operator_profile* profile);

#ifdef __cplusplus
}
#endif

#endif /* OCTET_OCTET_H_ */
