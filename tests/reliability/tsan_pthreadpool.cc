// ThreadSanitizer builds only (OCTET_TSAN): Debian's pthreadpool is not
// instrumented, so ThreadSanitizer cannot see that pthreadpool_parallelize_* orders
// the caller's writes before every task and every task before the call returns
// (pthreadpool synchronises with atomics and futexes inside the library). Linked with
// -Wl,--wrap=pthreadpool_parallelize_1d_tile_1d, this wrapper states exactly those
// two orders and no more: tasks acquire what the caller released before the call,
// and release into a second address the caller acquires after it. Tasks never
// acquire from each other, so two tasks of one call that touch the same bytes are
// still reported as a race.
#include <pthreadpool.h>
#include <sanitizer/tsan_interface.h>

#include <cstddef>
#include <cstdint>

extern "C" void __real_pthreadpool_parallelize_1d_tile_1d(pthreadpool_t pool, pthreadpool_task_1d_tile_1d_t task,
                                                          void* context, size_t range, size_t tile, uint32_t flags);

namespace {

struct Wrapped {
  pthreadpool_task_1d_tile_1d_t task;
  void* context;
  char before;  // the caller's writes, released before the call
  char after;   // the tasks' writes, acquired after it
};

void run_task(void* p, size_t start, size_t count) {
  auto* w = static_cast<Wrapped*>(p);
  __tsan_acquire(&w->before);
  w->task(w->context, start, count);
  __tsan_release(&w->after);
}

}  // namespace

extern "C" void __wrap_pthreadpool_parallelize_1d_tile_1d(pthreadpool_t pool, pthreadpool_task_1d_tile_1d_t task,
                                                          void* context, size_t range, size_t tile, uint32_t flags) {
  Wrapped w{task, context, 0, 0};
  __tsan_release(&w.before);
  __real_pthreadpool_parallelize_1d_tile_1d(pool, run_task, &w, range, tile, flags);
  __tsan_acquire(&w.after);
}
