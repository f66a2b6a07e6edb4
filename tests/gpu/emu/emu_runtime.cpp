/* emu_runtime.cpp: a CPU emulation of the CUDA runtime and thread model that headcount's
 * CUDA backend uses (tests/gpu/emu/cuda_runtime.h says what it emulates and why). A test
 * harness, not a backend: it lets tests/cli_cuda.sh run src/engines/engine_cuda_host.c and the
 * kernels' code on a machine without a GPU.
 *
 * Environment:
 *   HC_EMU_DEVICES        emulated GPUs (default 2; 0: cudaErrorNoDevice)
 *   HC_EMU_DEVICE_KIB     memory of each, KiB (default 262144); cudaMalloc fails beyond it
 *   HC_EMU_REPORT_KIB     free memory cudaMemGetInfo reports instead of the truth, to make
 *                         the backend's first allocation fail and its chunk shrink
 *   HC_EMU_LOG            1: say on stderr when an allocation fails; 2: also the first
 *                         kernel each emulated GPU runs (which GPUs a process used); 3: also
 *                         the bytes of every copy to the host (what crosses PCIe)
 *   HC_EMU_SCHEDULE       order the threads of a block run between barriers: forward
 *                         (default), reverse or random
 *   HC_EMU_SKIP_WAITS     1: waits on events (cudaEventSynchronize, cudaStreamWaitEvent)
 *                         order nothing, as if the host code left them out: the test that
 *                         the queued copies below are live (their bytes then come out wrong)
 *
 * Work runs when it is issued, except a copy from the device into page-locked host memory
 * on a stream, which on a GPU returns at once and lands later: it waits in its stream's
 * queue until something orders it (a later operation on that stream, a synchronization
 * of the stream or of an event recorded after it, another stream's wait on such an
 * event), so about as late as CUDA allows. A kernel that overwrites the copy's source
 * before the copy is ordered, or host code that reads its destination too early, then
 * sees the wrong bytes, as it could on a GPU. What it does not model: kernels and other
 * copies run at once, so a copy can never read its source before the kernel that writes
 * it (a missing wait the other way round passes here); a stream's wait lands the copies
 * it waits for when it is called, not at the stream's next operation. A stream destroyed,
 * memory freed or unregistered with a copy queued aborts: the host code must wait first. */
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <ucontext.h>
#include <unistd.h>
#include <algorithm>
#include <atomic>
#include <deque>
#include <mutex>
#include <vector>
#include "cuda_runtime.h"
#include "model/hc_cuda_kernels.h"

thread_local hc_emu_dim3 threadIdx, blockIdx, blockDim, gridDim;

[[noreturn]] static void emu_abort(const char *what)
{
    fprintf(stderr, "CUDA emulator: %s\n", what);
    fflush(stderr);
    abort();
}

static long env_long(const char *name, long fallback)
{
    const char *s = getenv(name);
    return (s && *s) ? strtol(s, NULL, 10) : fallback;
}

// ---- devices, errors

static thread_local int current_device = 0;
static thread_local cudaError_t last_error = cudaSuccess;

static int device_count(void) { return (int)env_long("HC_EMU_DEVICES", 2); }
static size_t device_capacity(void) { return (size_t)env_long("HC_EMU_DEVICE_KIB", 262144) << 10; }

static cudaError_t fail(cudaError_t e)
{
    last_error = e;
    return e;
}

extern "C" cudaError_t cudaGetDeviceCount(int *count)
{
    *count = device_count();
    if (*count <= 0) {
        *count = 0;
        return fail(cudaErrorNoDevice);
    }
    return cudaSuccess;
}

extern "C" cudaError_t cudaGetDeviceProperties(struct cudaDeviceProp *prop, int device)
{
    if (device < 0 || device >= device_count()) return fail(cudaErrorInvalidDevice);
    memset(prop, 0, sizeof(*prop));
    snprintf(prop->name, sizeof(prop->name), "headcount CUDA emulator %d", device);
    prop->totalGlobalMem = device_capacity();
    prop->major = 9;
    prop->minor = 0;
    prop->multiProcessorCount = 4;
    return cudaSuccess;
}

extern "C" cudaError_t cudaDeviceGetAttribute(int *value, enum cudaDeviceAttr attr, int device)
{
    if (device < 0 || device >= device_count()) return fail(cudaErrorInvalidDevice);
    switch (attr) {
    case cudaDevAttrClockRate: *value = 1000000; return cudaSuccess; /* kHz: a 1 GHz GPU */
    case cudaDevAttrMemoryClockRate: *value = 1000000; return cudaSuccess;
    case cudaDevAttrGlobalMemoryBusWidth: *value = 256; return cudaSuccess;
    }
    return fail(cudaErrorInvalidValue);
}

extern "C" cudaError_t cudaSetDevice(int device)
{
    if (device < 0 || device >= device_count()) return fail(cudaErrorInvalidDevice);
    current_device = device;
    return cudaSuccess;
}

extern "C" cudaError_t cudaGetLastError(void)
{
    const cudaError_t e = last_error;
    last_error = cudaSuccess;
    return e;
}

extern "C" const char *cudaGetErrorName(cudaError_t e)
{
    switch (e) {
#define NAME(x) case x: return #x;
        NAME(cudaSuccess) NAME(cudaErrorInvalidValue) NAME(cudaErrorMemoryAllocation)
        NAME(cudaErrorInitializationError) NAME(cudaErrorInvalidConfiguration) NAME(cudaErrorInsufficientDriver)
        NAME(cudaErrorNoDevice) NAME(cudaErrorInvalidDevice) NAME(cudaErrorNoKernelImageForDevice)
        NAME(cudaErrorUnsupportedPtxVersion) NAME(cudaErrorInvalidPtx) NAME(cudaErrorDevicesUnavailable)
        NAME(cudaErrorIllegalAddress) NAME(cudaErrorLaunchTimeout) NAME(cudaErrorMisalignedAddress)
        NAME(cudaErrorIllegalInstruction) NAME(cudaErrorLaunchFailure) NAME(cudaErrorNotSupported)
        NAME(cudaErrorSystemDriverMismatch) NAME(cudaErrorCompatNotSupportedOnDevice)
        NAME(cudaErrorHostMemoryAlreadyRegistered) NAME(cudaErrorHostMemoryNotRegistered)
#undef NAME
    }
    return "cudaErrorUnknown";
}

extern "C" const char *cudaGetErrorString(cudaError_t e)
{
    return e == cudaSuccess ? "no error" : e == cudaErrorMemoryAllocation ? "out of memory" : "emulated error";
}

// ---- device memory: each allocation ends against a guard page

struct allocation {
    char *ptr;
    size_t size;
    char *map;
    size_t map_len;
    int device;
};
static std::mutex memory_lock;
static std::vector<allocation> allocations;
static size_t allocated[64];

extern "C" cudaError_t cudaMemGetInfo(size_t *free_bytes, size_t *total_bytes)
{
    std::lock_guard<std::mutex> hold(memory_lock);
    const long report = env_long("HC_EMU_REPORT_KIB", -1);
    *total_bytes = device_capacity();
    *free_bytes = report >= 0 ? (size_t)report << 10 : device_capacity() - allocated[current_device];
    return cudaSuccess;
}

extern "C" cudaError_t cudaMalloc(void **ptr, size_t size)
{
    const size_t page = (size_t)sysconf(_SC_PAGESIZE);
    const size_t rounded = (size + 7) / 8 * 8, body = (rounded + page - 1) / page * page;
    allocation a;
    std::lock_guard<std::mutex> hold(memory_lock);
    *ptr = NULL;
    if (size == 0 || allocated[current_device] + rounded > device_capacity()) {
        if (env_long("HC_EMU_LOG", 0))
            fprintf(stderr, "CUDA emulator: cudaMalloc of %zu bytes on GPU %d: out of emulated memory\n", size,
                    current_device);
        return fail(cudaErrorMemoryAllocation);
    }
    a.map_len = body + 2 * page;
    a.map = (char *)mmap(NULL, a.map_len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (a.map == MAP_FAILED) return fail(cudaErrorMemoryAllocation);
    mprotect(a.map, page, PROT_NONE);
    mprotect(a.map + page + body, page, PROT_NONE);
    a.ptr = a.map + page + body - rounded; /* the buffer's end touches the guard page */
    memset(a.ptr, 0xca, rounded); /* never zero: code that reads before writing shows */
    a.size = size;
    a.device = current_device;
    allocated[current_device] += rounded;
    allocations.push_back(a);
    *ptr = a.ptr;
    return cudaSuccess;
}

static bool copy_pending(const char *b, const char *e, bool dst);

extern "C" cudaError_t cudaFree(void *ptr)
{
    if (ptr) {
        size_t size = 0;
        {
            std::lock_guard<std::mutex> hold(memory_lock);
            for (const allocation &a : allocations)
                if (a.ptr == ptr) size = a.size;
        }
        if (copy_pending((const char *)ptr, (const char *)ptr + size, false))
            emu_abort("cudaFree of a buffer that a queued copy has yet to read");
    }
    std::lock_guard<std::mutex> hold(memory_lock);
    if (!ptr) return cudaSuccess;
    for (size_t i = 0; i < allocations.size(); i++)
        if (allocations[i].ptr == ptr) {
            allocated[allocations[i].device] -= (allocations[i].size + 7) / 8 * 8;
            munmap(allocations[i].map, allocations[i].map_len);
            allocations.erase(allocations.begin() + (long)i);
            return cudaSuccess;
        }
    return fail(cudaErrorInvalidValue);
}

/* Whether [p, p + n) lies inside one device allocation of the current device. */
static bool on_device(const void *p, size_t n)
{
    std::lock_guard<std::mutex> hold(memory_lock);
    for (const allocation &a : allocations)
        if ((const char *)p >= a.ptr && (const char *)p + n <= a.ptr + a.size) return a.device == current_device;
    return false;
}

/* A copy's ranges where its kind says they are (the host's not on the device), or abort. */
static void check_copy(void *dst, const void *src, size_t count, enum cudaMemcpyKind kind)
{
    const bool dst_dev = kind == cudaMemcpyHostToDevice || kind == cudaMemcpyDeviceToDevice;
    const bool src_dev = kind == cudaMemcpyDeviceToHost || kind == cudaMemcpyDeviceToDevice;
    if ((dst_dev && !on_device(dst, count)) || (src_dev && !on_device(src, count)) || (!dst_dev && on_device(dst, 1)) ||
        (!src_dev && on_device(src, 1)))
        emu_abort("cudaMemcpy: a range is not where its kind says (or runs past a device buffer)");
    if (kind == cudaMemcpyDeviceToHost && env_long("HC_EMU_LOG", 0) >= 3)
        fprintf(stderr, "CUDA emulator: %zu bytes to the host\n", count);
}

extern "C" cudaError_t cudaMemcpy(void *dst, const void *src, size_t count, enum cudaMemcpyKind kind)
{
    if (kind != cudaMemcpyHostToDevice && kind != cudaMemcpyDeviceToHost && kind != cudaMemcpyDeviceToDevice)
        return fail(cudaErrorInvalidValue);
    check_copy(dst, src, count, kind);
    memcpy(dst, src, count);
    return cudaSuccess;
}

// ---- page-locked host memory: the registered ranges, so that a range registered twice,
// overlapping another, or unregistered when it never was fails as CUDA's does.
// HC_EMU_HOST_REGISTER_FAIL=1 makes every registration fail (a host that cannot pin), for
// the fallback to pageable copies.

namespace {
struct host_range {
    const char *begin, *end;
};
std::vector<host_range> registered;
} // namespace

/* Whether [p, p + n) lies inside page-locked host memory. */
static bool pinned(const void *p, size_t n)
{
    std::lock_guard<std::mutex> hold(memory_lock);
    for (const host_range &r : registered)
        if ((const char *)p >= r.begin && (const char *)p + n <= r.end) return true;
    return false;
}

// ---- streams and events: a stream is its queue of copies not yet landed (see the top);
// everything else given to it has run.

namespace {
struct pending_copy {
    uint64_t seq; /* the stream's copy number */
    void *dst;
    const void *src;
    size_t count;
};
std::mutex streams_lock; /* the queues: cudaFree and cudaHostUnregister look into every thread's */
} // namespace

struct hc_emu_stream {
    int device;
    uint64_t issued;                /* copies queued so far */
    std::deque<pending_copy> queue; /* queued, not yet landed, oldest first */
};
struct hc_emu_event {
    double seconds;
    cudaStream_t stream; /* where it was last recorded (NULL: nowhere, or the default stream) */
    uint64_t seq;        /* ... after that stream's copy number seq */
};
static std::vector<cudaStream_t> streams; /* the live ones */

/* Lands the stream's queued copies up to copy number `upto`, oldest first. */
static void land(cudaStream_t stream, uint64_t upto)
{
    if (!stream) return;
    if (stream->device != current_device) emu_abort("a stream used on another device than its own");
    std::lock_guard<std::mutex> hold(streams_lock);
    while (!stream->queue.empty() && stream->queue.front().seq <= upto) {
        const pending_copy &c = stream->queue.front();
        memcpy(c.dst, c.src, c.count);
        stream->queue.pop_front();
    }
}

/* Whether a queued copy writes into [b, e) (dst) or reads from it (!dst). */
static bool copy_pending(const char *b, const char *e, bool dst)
{
    std::lock_guard<std::mutex> hold(streams_lock);
    for (cudaStream_t s : streams)
        for (const pending_copy &c : s->queue) {
            const char *p = (const char *)(dst ? c.dst : c.src);
            if (p < e && b < p + c.count) return true;
        }
    return false;
}

extern "C" cudaError_t cudaMemcpyAsync(void *dst, const void *src, size_t count, enum cudaMemcpyKind kind,
                                       cudaStream_t stream)
{
    if (kind != cudaMemcpyHostToDevice && kind != cudaMemcpyDeviceToHost && kind != cudaMemcpyDeviceToDevice)
        return fail(cudaErrorInvalidValue);
    check_copy(dst, src, count, kind);
    if (stream && kind == cudaMemcpyDeviceToHost && pinned(dst, count)) { /* queued behind the stream's others */
        std::lock_guard<std::mutex> hold(streams_lock);
        stream->queue.push_back(pending_copy{++stream->issued, dst, src, count});
        return cudaSuccess;
    }
    land(stream, UINT64_MAX); /* what the stream was given before runs first */
    memcpy(dst, src, count);  /* to pageable memory CUDA returns only once the copy is done */
    return cudaSuccess;
}

extern "C" cudaError_t cudaMemsetAsync(void *dst, int value, size_t count, cudaStream_t stream)
{
    land(stream, UINT64_MAX);
    if (!on_device(dst, count)) emu_abort("cudaMemsetAsync: not inside one device buffer");
    memset(dst, value, count);
    return cudaSuccess;
}

extern "C" cudaError_t cudaStreamCreateWithFlags(cudaStream_t *stream, unsigned int flags)
{
    (void)flags;
    *stream = new hc_emu_stream{current_device, 0, {}};
    std::lock_guard<std::mutex> hold(streams_lock);
    streams.push_back(*stream);
    return cudaSuccess;
}

extern "C" cudaError_t cudaStreamDestroy(cudaStream_t stream)
{
    if (stream) {
        std::lock_guard<std::mutex> hold(streams_lock);
        if (!stream->queue.empty()) emu_abort("cudaStreamDestroy of a stream with a copy queued: wait for it first");
    }
    {
        std::lock_guard<std::mutex> hold(streams_lock);
        streams.erase(std::remove(streams.begin(), streams.end(), stream), streams.end());
    }
    delete stream;
    return cudaSuccess;
}

extern "C" cudaError_t cudaStreamSynchronize(cudaStream_t stream)
{
    land(stream, UINT64_MAX);
    return cudaSuccess;
}

extern "C" cudaError_t cudaEventCreate(cudaEvent_t *event)
{
    *event = new hc_emu_event{0.0, NULL, 0};
    return cudaSuccess;
}

extern "C" cudaError_t cudaEventDestroy(cudaEvent_t event)
{
    delete event;
    return cudaSuccess;
}

extern "C" cudaError_t cudaEventRecord(cudaEvent_t event, cudaStream_t stream)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    event->seconds = (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
    event->stream = stream;
    event->seq = stream ? stream->issued : 0;
    return cudaSuccess;
}

extern "C" cudaError_t cudaEventElapsedTime(float *ms, cudaEvent_t start, cudaEvent_t end)
{
    *ms = (float)(1000.0 * (end->seconds - start->seconds));
    return cudaSuccess;
}

// Synchronizing on an event lands the copies queued before it was recorded; so does another
// stream's wait on it (the emulator runs that stream's work at once). On a GPU an event never
// recorded counts as complete, so a wait on it would order nothing: the emulator refuses it.
extern "C" cudaError_t cudaEventSynchronize(cudaEvent_t event)
{
    if (!event) return fail(cudaErrorInvalidValue);
    if (!env_long("HC_EMU_SKIP_WAITS", 0)) land(event->stream, event->seq);
    return cudaSuccess;
}

extern "C" cudaError_t cudaStreamWaitEvent(cudaStream_t stream, cudaEvent_t event, unsigned int flags)
{
    if (!event || flags != 0) return fail(cudaErrorInvalidValue);
    if (stream && stream->device != current_device) emu_abort("a stream used on another device than its own");
    if (event->seconds == 0.0) emu_abort("cudaStreamWaitEvent on an event never recorded: it would order nothing");
    if (!env_long("HC_EMU_SKIP_WAITS", 0)) land(event->stream, event->seq);
    return cudaSuccess;
}

extern "C" cudaError_t cudaHostRegister(void *ptr, size_t size, unsigned int flags)
{
    const size_t page = (size_t)sysconf(_SC_PAGESIZE);
    const char *b = (const char *)((uintptr_t)ptr / page * page);
    const char *e = (const char *)(((uintptr_t)ptr + size + page - 1) / page * page);
    std::lock_guard<std::mutex> hold(memory_lock);
    if (!ptr || size == 0 || (flags != cudaHostRegisterDefault && flags != cudaHostRegisterPortable))
        return fail(cudaErrorInvalidValue);
    if (env_long("HC_EMU_HOST_REGISTER_FAIL", 0)) {
        if (env_long("HC_EMU_LOG", 0)) fprintf(stderr, "CUDA emulator: cudaHostRegister of %zu bytes: refused\n", size);
        return fail(cudaErrorNotSupported);
    }
    for (const host_range &r : registered)
        if (b < r.end && r.begin < e) return fail(cudaErrorHostMemoryAlreadyRegistered); /* pages are pinned whole */
    for (const allocation &a : allocations)
        if ((const char *)ptr < a.ptr + a.size && a.ptr < (const char *)ptr + size)
            emu_abort("cudaHostRegister of device memory");
    registered.push_back(host_range{b, e});
    if (env_long("HC_EMU_LOG", 0)) fprintf(stderr, "CUDA emulator: cudaHostRegister of %zu bytes\n", size);
    return cudaSuccess;
}

extern "C" cudaError_t cudaHostUnregister(void *ptr)
{
    const size_t page = (size_t)sysconf(_SC_PAGESIZE);
    const char *b = (const char *)((uintptr_t)ptr / page * page);
    std::lock_guard<std::mutex> hold(memory_lock);
    for (size_t i = 0; i < registered.size(); i++)
        if (registered[i].begin == b) {
            if (copy_pending(registered[i].begin, registered[i].end, true))
                emu_abort("cudaHostUnregister of memory that a queued copy has yet to land in");
            registered.erase(registered.begin() + (long)i);
            if (env_long("HC_EMU_LOG", 0)) fprintf(stderr, "CUDA emulator: cudaHostUnregister\n");
            return cudaSuccess;
        }
    return fail(cudaErrorHostMemoryNotRegistered);
}

// ---- the threads of a block: fibers switched at barriers
//
// A fiber first starts through makecontext/swapcontext; after that every switch is
// _setjmp/_longjmp, which saves no signal mask and so makes no system call (the
// emulator switches thousands of times per block and step). The scheduler resumes a
// waiting fiber only once its barrier has opened.

#define FIBER_STACK (256 * 1024)

namespace {
enum { NOT_STARTED, READY, WAITING, DONE };

struct barrier {
    int expected = 0, arrived = 0;
    unsigned generation = 0;
};

struct jump {
    jmp_buf env;
};

struct block_state {
    std::vector<ucontext_t> start;
    std::vector<jump> fiber;
    std::vector<int> state;
    std::vector<const barrier *> wait_bar;
    std::vector<unsigned> wait_gen;
    jmp_buf scheduler;
    ucontext_t scheduler_context; /* written by the first swapcontext into each fiber, never resumed */
    const std::function<void()> *body = nullptr;
    int current = 0;
    bool progress = false;
    barrier block;
    barrier warp[32];
    uint64_t slot[1024];
};
thread_local block_state *block_now = nullptr;
thread_local std::vector<char *> stacks; /* reused from launch to launch: mapping them is slow */
thread_local uint64_t schedule_state = 0x9E3779B97F4A7C15ull;
} // namespace

__attribute__((noinline)) static void wait_at(block_state *b, const barrier *bar, unsigned generation)
{
    const int me = b->current;
    b->wait_bar[(size_t)me] = bar;
    b->wait_gen[(size_t)me] = generation;
    b->state[(size_t)me] = WAITING;
    if (!_setjmp(b->fiber[(size_t)me].env)) _longjmp(b->scheduler, 1);
}

static void arrive(barrier &bar)
{
    block_state *b = block_now;
    const unsigned generation = bar.generation;
    b->progress = true;
    if (++bar.arrived == bar.expected) {
        bar.arrived = 0;
        bar.generation++;
        return;
    }
    wait_at(b, &bar, generation);
}

void __syncthreads(void)
{
    if (!block_now) emu_abort("__syncthreads outside a kernel");
    arrive(block_now->block);
}

uint64_t hc_emu_warp_exchange(unsigned mask, uint64_t mine, int from)
{
    block_state *b = block_now;
    const int warp = (int)(threadIdx.x / 32u);
    uint64_t got = mine;
    if (!b) emu_abort("a warp operation outside a kernel");
    if (mask != 0xffffffffu || b->warp[warp].expected != 32) emu_abort("a warp operation without all 32 lanes");
    b->slot[threadIdx.x] = mine;
    arrive(b->warp[warp]);
    if (from >= 0 && from < 32) got = b->slot[(unsigned)(warp * 32 + from)];
    arrive(b->warp[warp]); /* every lane has read before a slot is written again */
    return got;
}

unsigned __ballot_sync(unsigned mask, int predicate)
{
    block_state *b = block_now;
    const unsigned warp = threadIdx.x / 32u;
    unsigned bits = 0;
    int lane;
    if (!b) emu_abort("__ballot_sync outside a kernel");
    if (mask != 0xffffffffu || b->warp[warp].expected != 32) emu_abort("__ballot_sync without all 32 lanes");
    b->slot[threadIdx.x] = predicate != 0;
    arrive(b->warp[warp]);
    for (lane = 0; lane < 32; lane++)
        if (b->slot[warp * 32 + (unsigned)lane]) bits |= 1u << lane;
    arrive(b->warp[warp]);
    return bits;
}

static void fiber_main(void)
{
    block_state *b = block_now;
    (*b->body)();
    b->state[(size_t)b->current] = DONE;
    b->progress = true;
    _longjmp(b->scheduler, 2);
}

/* Runs fiber i until it waits at a barrier or ends. */
__attribute__((noinline)) static void resume(block_state *b, int i)
{
    if (!_setjmp(b->scheduler)) {
        const int first = b->state[(size_t)i] == NOT_STARTED;
        b->state[(size_t)i] = READY;
        if (first)
            swapcontext(&b->scheduler_context, &b->start[(size_t)i]);
        else
            _longjmp(b->fiber[(size_t)i].env, 1);
        emu_abort("a fiber returned to its start");
    }
}

/* Fiber t of the block will start at fiber_main (getcontext returns twice: it lives
 * apart from the scheduler's loop variables). */
__attribute__((noinline)) static void prepare_fiber(block_state *b, unsigned t, size_t page)
{
    getcontext(&b->start[t]);
    b->start[t].uc_stack.ss_sp = stacks[t] + page;
    b->start[t].uc_stack.ss_size = FIBER_STACK;
    b->start[t].uc_link = NULL; /* fibers end with a jump, never by returning */
    makecontext(&b->start[t], fiber_main, 0);
    b->state[t] = NOT_STARTED;
}

/* The order the scheduler visits the threads in, for one pass. */
static void visiting_order(std::vector<int> &order, int n)
{
    static const char *mode = getenv("HC_EMU_SCHEDULE");
    int i;
    order.resize((size_t)n);
    for (i = 0; i < n; i++) order[(size_t)i] = i;
    if (mode && strcmp(mode, "reverse") == 0) {
        for (i = 0; i < n; i++) order[(size_t)i] = n - 1 - i;
    } else if (mode && strcmp(mode, "random") == 0) {
        for (i = n - 1; i > 0; i--) {
            int j;
            schedule_state = schedule_state * 6364136223846793005ull + 1442695040888963407ull;
            j = (int)((schedule_state >> 33) % (uint64_t)(i + 1));
            std::swap(order[(size_t)i], order[(size_t)j]);
        }
    }
}

void hc_emu_launch(unsigned grid, unsigned block, cudaStream_t stream, const std::function<void()> &body)
{
    block_state b;
    std::vector<int> order;
    const size_t page = (size_t)sysconf(_SC_PAGESIZE);
    unsigned g, t;
    int w;
    land(stream, UINT64_MAX); /* what the stream was given before runs first */
    if (env_long("HC_EMU_LOG", 0) >= 2) {
        static std::atomic<bool> announced[64];
        if (current_device < 64 && !announced[current_device].exchange(true))
            fprintf(stderr, "emu: GPU %d runs kernels\n", current_device);
    }
    if (grid == 0 || block == 0 || block > 1024) {
        last_error = cudaErrorInvalidConfiguration;
        return;
    }
    if (block_now) emu_abort("a launch from inside a kernel");
    while (stacks.size() < block) { /* a guard page below each stack */
        char *m = (char *)mmap(NULL, FIBER_STACK + page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        if (m == MAP_FAILED) emu_abort("no memory for fiber stacks");
        mprotect(m, page, PROT_NONE);
        stacks.push_back(m);
    }
    b.start.resize(block);
    b.fiber.resize(block);
    b.state.resize(block);
    b.wait_bar.resize(block);
    b.wait_gen.resize(block);
    b.body = &body;
    block_now = &b;
    blockDim = {block, 1, 1};
    gridDim = {grid, 1, 1};
    for (g = 0; g < grid; g++) {
        int live = (int)block;
        blockIdx = {g, 0, 0};
        b.block = barrier();
        b.block.expected = (int)block;
        for (w = 0; w < 32; w++) {
            b.warp[w] = barrier();
            b.warp[w].expected = (int)block >= 32 * (w + 1) ? 32 : ((int)block > 32 * w ? (int)block - 32 * w : 0);
        }
        for (t = 0; t < block; t++) prepare_fiber(&b, t, page);
        while (live > 0) {
            b.progress = false;
            visiting_order(order, (int)block);
            for (int i : order) {
                const int s = b.state[(size_t)i];
                if (s == DONE || (s == WAITING && b.wait_bar[(size_t)i]->generation == b.wait_gen[(size_t)i]))
                    continue;
                b.current = i;
                threadIdx = {(unsigned)i, 0, 0};
                resume(&b, i);
                if (b.state[(size_t)i] == DONE) live--;
            }
            if (!b.progress && live > 0) emu_abort("a barrier that some thread of the block never reaches");
        }
    }
    block_now = nullptr;
}

// ---- cuRAND is not emulated: the Philox known answers run on real GPUs only

extern "C" cudaError_t hc_cuda_launch_philox_kat(const uint32_t *d_in, int n, uint32_t *d_hc, uint32_t *d_curand,
                                                 cudaStream_t stream)
{
    (void)d_in, (void)n, (void)d_hc, (void)d_curand, (void)stream;
    return cudaErrorNotSupported;
}
