// ThreadSanitizer does not intercept C11 thrd_create (glibc >= 2.34), which librdkafka uses for its
// threads: TSan never sees them start and crashes at their first intercepted call. Preloaded in
// `make test-sanitize`, this thrd_create starts them through pthread_create, which TSan intercepts.
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <threads.h>

struct start {
    thrd_start_t func;
    void *arg;
};

static void *trampoline(void *raw) {
    struct start start = *(struct start *)raw;
    free(raw);
    return (void *)(intptr_t)start.func(start.arg);
}

int thrd_create(thrd_t *thread, thrd_start_t func, void *arg) {
    struct start *start = malloc(sizeof *start);
    if (!start) return thrd_nomem;
    start->func = func;
    start->arg = arg;
    int err = pthread_create(thread, NULL, trampoline, start);
    if (err) {
        free(start);
        return thrd_error;
    }
    return thrd_success;
}

// Joined and detached through pthread too, so that TSan sees the threads end (no false "thread leak").
int thrd_join(thrd_t thread, int *result) {
    void *value;
    if (pthread_join(thread, &value)) return thrd_error;
    if (result) *result = (int)(intptr_t)value;
    return thrd_success;
}

int thrd_detach(thrd_t thread) {
    return pthread_detach(thread) ? thrd_error : thrd_success;
}
